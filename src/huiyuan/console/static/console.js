// 会员后台 / Huiyuan staff console: plain JavaScript, no build step, no third-party code.
// The API token lives in this tab's sessionStorage and is sent only in the Authorization
// header: never in a URL, never written to the console.
"use strict";

(function () {
  const TOKEN_KEY = "huiyuan.console.token";
  const PROGRAM_KEY = "huiyuan.console.program";
  const LEDGER_PAGE = 20;

  const STATUS = {
    active: "正常 / Active",
    pending: "待开通 / Pending",
    lapsed: "已过期 / Lapsed",
    expired: "已过期 / Expired",
    suspended: "已停用 / Suspended",
    cancelled: "已注销 / Cancelled",
    lost: "已挂失 / Lost",
  };
  const KINDS = { personal: "个人 / Personal", unit: "单位 / Company", group: "集团 / Group" };
  const ENTRY_KINDS = {
    earn: "获得 / Earned",
    redeem: "兑换 / Redeemed",
    offset: "抵扣 / Offset",
    expire: "过期 / Expired",
    transfer: "转赠 / Transfer",
    transfer_in: "转入 / Transfer in",
    transfer_out: "转出 / Transfer out",
    clawback: "退货扣回 / Clawback",
    adjust: "调整 / Adjustment",
    bonus: "奖励 / Bonus",
    refund: "退回 / Refund",
  };

  const $ = (id) => document.getElementById(id);
  const state = { token: null, program: null, member: null, nextBefore: null };

  class ApiError extends Error {
    constructor(message, status) {
      super(message);
      this.status = status;
    }
  }

  function readToken() {
    try {
      return window.sessionStorage.getItem(TOKEN_KEY);
    } catch (e) {
      return null;
    }
  }

  function saveToken(token) {
    try {
      if (token) window.sessionStorage.setItem(TOKEN_KEY, token);
      else window.sessionStorage.removeItem(TOKEN_KEY);
    } catch (e) {
      /* storage unavailable: the token lives in memory only */
    }
  }

  async function api(path) {
    let response;
    try {
      response = await fetch(path, {
        headers: { Authorization: "Bearer " + state.token, Accept: "application/json" },
        cache: "no-store",
        credentials: "omit",
        referrerPolicy: "no-referrer",
      });
    } catch (e) {
      throw new ApiError("无法连接服务器 / cannot reach the server", 0);
    }
    let body = null;
    try {
      body = await response.json();
    } catch (e) {
      body = null;
    }
    if (!response.ok) {
      const detail =
        (body && (body.detail || body.title)) || "请求失败 / request failed (HTTP " + response.status + ")";
      throw new ApiError(detail, response.status);
    }
    return body;
  }

  function programPath(suffix) {
    return "/api/v1/programs/" + encodeURIComponent(state.program) + suffix;
  }

  // ------------------------------------------------------------------ display helpers

  function showError(message) {
    const box = $("error");
    box.textContent = message;
    box.hidden = false;
  }

  function clearError() {
    $("error").hidden = true;
    $("error").textContent = "";
  }

  function handle(error) {
    if (error instanceof ApiError && error.status === 401) {
      logout();
      showError(error.message + " — 请重新登录 / please log in again");
      return;
    }
    showError(error.message || String(error));
  }

  function text(id, value) {
    $(id).textContent = value === null || value === undefined || value === "" ? "—" : String(value);
  }

  function when(iso) {
    // Moments come with the program's offset; show them as the till saw them.
    if (!iso) return "—";
    return String(iso).slice(0, 16).replace("T", " ");
  }

  function points(n) {
    return Number(n).toLocaleString("zh-CN");
  }

  function yuan(amount) {
    return amount === null || amount === undefined ? "—" : "¥" + amount;
  }

  function cell(row, value, className) {
    const td = document.createElement("td");
    td.textContent = value;
    if (className) td.className = className;
    row.appendChild(td);
    return td;
  }

  function emptyRow(tbody, columns, message) {
    const row = document.createElement("tr");
    const td = cell(row, message, "empty");
    td.colSpan = columns;
    tbody.appendChild(row);
  }

  function busy(button, on) {
    button.disabled = on;
    button.setAttribute("aria-busy", on ? "true" : "false");
  }

  // ------------------------------------------------------------------ session

  function showLogin() {
    $("login-panel").hidden = false;
    $("search-panel").hidden = true;
    $("member-panel").hidden = true;
    $("session").hidden = true;
    $("token").value = "";
    $("token").focus();
  }

  function logout() {
    state.token = null;
    state.member = null;
    saveToken(null);
    showLogin();
  }

  async function start() {
    clearError();
    const data = await api("/api/v1/programs");
    const select = $("program");
    select.replaceChildren();
    const items = (data && data.items) || [];
    for (const p of items) {
      const option = document.createElement("option");
      option.value = p.code;
      option.textContent = p.name + (p.name_en ? " / " + p.name_en : "") + " (" + p.code + ")";
      select.appendChild(option);
    }
    $("login-panel").hidden = true;
    $("session").hidden = false;
    $("search-panel").hidden = false;
    if (!items.length) {
      state.program = null;
      showError("还没有会员方案 / no programs yet: huiyuan program load PRESET");
      return;
    }
    let remembered = null;
    try {
      remembered = window.sessionStorage.getItem(PROGRAM_KEY);
    } catch (e) {
      remembered = null;
    }
    if (remembered && items.some((p) => p.code === remembered)) select.value = remembered;
    state.program = select.value;
    $("query").focus();
  }

  async function login(event) {
    event.preventDefault();
    const token = $("token").value.trim();
    if (!token) return;
    state.token = token;
    const button = $("login-button");
    busy(button, true);
    try {
      await start();
      saveToken(token);
    } catch (error) {
      state.token = null;
      showError(error.message);
    } finally {
      busy(button, false);
      $("token").value = "";
    }
  }

  // ------------------------------------------------------------------ finding a member

  function searchParams(raw) {
    const q = raw.replace(/[\s-]/g, "");
    const mobile = q.replace(/^(\+?86)/, "");
    if (/^1[3-9]\d{9}$/.test(mobile)) return "phone=" + encodeURIComponent(mobile);
    if (/^\d{4,32}$/.test(q)) return "card_no=" + encodeURIComponent(q);
    return null;
  }

  async function search(event) {
    event.preventDefault();
    clearError();
    if (!state.program) return;
    const params = searchParams($("query").value);
    if (!params) {
      showError("请输入 11 位手机号或会员卡号 / enter an 11-digit mobile number or a card number");
      return;
    }
    const button = $("search-button");
    busy(button, true);
    $("results").hidden = true;
    $("member-panel").hidden = true;
    try {
      const data = await api(programPath("/members?" + params));
      const items = (data && data.items) || [];
      if (items.length === 1) {
        await showMember(items[0]);
      } else if (!items.length) {
        listResults([], "未找到会员 / no member found");
      } else {
        listResults(items, "找到 " + items.length + " 位会员 / " + items.length + " members found");
      }
    } catch (error) {
      handle(error);
    } finally {
      busy(button, false);
    }
  }

  function listResults(items, message) {
    const box = $("results");
    box.replaceChildren();
    const p = document.createElement("p");
    p.className = "muted";
    p.textContent = message;
    box.appendChild(p);
    for (const m of items) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "secondary result";
      button.textContent = (m.name || m.member_id) + " · " + (m.phone || "") + " · " + (m.card_no || "");
      button.addEventListener("click", () => showMember(m).catch(handle));
      box.appendChild(button);
    }
    box.hidden = false;
  }

  async function showMember(m) {
    state.member = m.member_id;
    text("m-name", m.name || m.member_id);
    text("m-id", "会员号 / Member ID " + m.member_id);
    text("m-tier", m.tier_name ? m.tier_name + " (" + m.tier + ")" : m.tier);
    const status = $("m-status");
    status.textContent = STATUS[m.status] || m.status;
    status.className = "badge status-" + String(m.status).replace(/[^a-z_]/g, "");
    text("m-points", points(m.points));
    text("m-stored", yuan(m.stored_value));
    text("m-phone", m.phone);
    text("m-card", m.card_no);
    text("m-valid", m.valid_until || "长期 / no expiry");
    text("m-kind", KINDS[m.kind] || m.kind);
    text("m-joined", when(m.joined_at));
    text("m-class", m.customer_class);
    text("m-guide", m.guide_id);
    $("member-panel").hidden = false;
    $("results").hidden = true;
    await Promise.all([loadBalance(), loadLedger(false), loadCode()]);
  }

  async function loadCode() {
    // The printable member code (QR of the card number), fetched with the token and shown as
    // a data: image, which the page's content security policy allows.
    const img = $("m-code");
    img.hidden = true;
    try {
      const response = await fetch(programPath("/members/" + encodeURIComponent(state.member) + "/member-code.svg"), {
        headers: { Authorization: "Bearer " + state.token },
        cache: "no-store",
        credentials: "omit",
        referrerPolicy: "no-referrer",
      });
      if (!response.ok) return;
      img.src = "data:image/svg+xml;base64," + window.btoa(await response.text());
      img.hidden = false;
    } catch (e) {
      /* no card, or offline: the rest of the page stands */
    }
  }

  async function loadBalance() {
    const member = state.member;
    const tbody = $("expiring");
    tbody.replaceChildren();
    const data = await api(programPath("/members/" + encodeURIComponent(member) + "/balance"));
    if (member !== state.member) return;
    text("b-points", points(data.points));
    text("b-stored", yuan(data.stored_value));
    text("b-asof", when(data.as_of));
    const expiring = data.expiring || [];
    if (!expiring.length) {
      emptyRow(tbody, 2, "暂无即将过期的积分 / no points due to expire");
      return;
    }
    for (const lot of expiring) {
      const row = document.createElement("tr");
      cell(row, when(lot.expires_at));
      cell(row, points(lot.points), "num");
      tbody.appendChild(row);
    }
  }

  async function loadLedger(more) {
    const member = state.member;
    const tbody = $("ledger");
    const moreButton = $("ledger-more");
    if (!more) {
      tbody.replaceChildren();
      state.nextBefore = null;
    }
    let path = "/members/" + encodeURIComponent(member) + "/ledger?limit=" + LEDGER_PAGE;
    if (more && state.nextBefore) path += "&before=" + encodeURIComponent(state.nextBefore);
    const data = await api(programPath(path));
    if (member !== state.member) return;
    const items = (data && data.items) || [];
    if (!items.length && !more) emptyRow(tbody, 5, "暂无积分记录 / no entries yet");
    for (const e of items) {
      const row = document.createElement("tr");
      cell(row, when(e.occurred_at));
      cell(row, ENTRY_KINDS[e.kind] || e.kind);
      const n = Number(e.points);
      cell(row, (n > 0 ? "+" : "") + points(n), "num " + (n < 0 ? "neg" : "pos"));
      cell(row, e.ref || "—", "mono");
      cell(row, e.reason || "");
      tbody.appendChild(row);
    }
    state.nextBefore = data ? data.next_before : null;
    moreButton.hidden = !state.nextBefore;
  }

  // ------------------------------------------------------------------ wiring

  document.addEventListener("DOMContentLoaded", () => {
    $("login-form").addEventListener("submit", login);
    $("search-form").addEventListener("submit", search);
    $("logout").addEventListener("click", () => {
      clearError();
      logout();
    });
    $("program").addEventListener("change", (event) => {
      state.program = event.target.value;
      try {
        window.sessionStorage.setItem(PROGRAM_KEY, state.program);
      } catch (e) {
        /* not remembered */
      }
      state.member = null;
      $("member-panel").hidden = true;
      $("results").hidden = true;
      clearError();
    });
    $("ledger-more").addEventListener("click", () => {
      const button = $("ledger-more");
      busy(button, true);
      loadLedger(true)
        .catch(handle)
        .finally(() => busy(button, false));
    });
    state.token = readToken();
    if (state.token) {
      start().catch((error) => {
        // A stored token that no longer works is forgotten; back to the login form either way.
        if (error.status === 401) logout();
        else showLogin();
        showError(error.message);
      });
    } else {
      showLogin();
    }
  });
})();
