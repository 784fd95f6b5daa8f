"""Messages to members: an outbox written with the event that causes a message, templates in
zh-CN and en, channels behind one interface, and a sender that claims, sends and marks.

- `outbox.enqueue` is called inside the caller's unit of work: the message is committed with
  its cause or not at all (never lost), and a unique (program, member, dedupe key) makes it
  once per cause (a job run twice writes it once).
- `sender.send_due` claims due rows under a lease, sends each through its channel and marks it
  sent in its own transaction; a crash anywhere leaves the row to be sent by a later run, and a
  failed send is retried with exponential backoff until the program's `max_attempts`.
- Quiet hours (program `[notify]`, 21:00–08:00 by default) delay a message, never drop it.
"""
