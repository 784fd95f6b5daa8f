"""Response model of the jobs route: a run's answer (services/results/jobs)."""

from __future__ import annotations

from ...services.results.jobs import JobAnswer as JobAnswer
