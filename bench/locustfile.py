"""The load mix for bench/load: signed-in officers reading dashboards and posting progress.

80% of requests read (the challenge dashboard and the action plan table), 20% post a progress update
to an action the officer leads. Each simulated user signs in as its own officer. The plan of work
(usernames, challenge slugs, action ids, password) comes from the JSON file in PEERTRACK_LOAD_PLAN;
what happened (status codes, the narratives posted) goes to PEERTRACK_LOAD_RESULT when the run ends.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import uuid
from collections import Counter

from locust import HttpUser, between, constant, events, task

PLAN = json.loads(open(os.environ["PEERTRACK_LOAD_PLAN"], encoding="utf-8").read())  # noqa: SIM115
OFFICERS = itertools.cycle(PLAN["officers"])
STATUS: Counter[str] = Counter()
POSTED: list[str] = []
# Seconds a user waits between requests: 0 measures what the server can carry (throughput at
# saturation); a few seconds models people reading pages.
THINK = float(os.environ.get("PEERTRACK_LOAD_THINK", "0"))
WAIT = constant(0) if THINK == 0 else between(THINK / 2, THINK * 1.5)
SIGN_IN = os.environ.get("PEERTRACK_LOAD_SIGN_IN") == "1"


@events.request.add_listener
def _count(request_type: str, name: str, response_time: float, response_length: int,
           response: object = None, exception: object = None, **kwargs: object) -> None:
    code = getattr(response, "status_code", 0)
    STATUS[str(code)] += 1


@events.quitting.add_listener
def _write_result(environment: object, **kwargs: object) -> None:
    with open(os.environ["PEERTRACK_LOAD_RESULT"], "w", encoding="utf-8") as handle:
        json.dump({"status": STATUS, "posted": POSTED}, handle)


class _SignedIn(HttpUser):
    """Takes the next officer of the plan and, before its first task, the session bench/load signed
    them in with (`--sign-in` signs in through the form instead, password hashing included)."""

    abstract = True
    wait_time = WAIT

    def on_start(self) -> None:
        self.officer = next(OFFICERS)
        if SIGN_IN:
            self.client.get("/sign-in/", name="sign-in")
            response = self.client.post("/sign-in/", name="sign-in", allow_redirects=False, data={
                "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
                "username": self.officer["username"], "password": PLAN["password"],
            })
            if response.status_code != 302:
                raise RuntimeError(f"Could not sign in as {self.officer['username']}: {response.status_code}")
        else:
            self.client.cookies.set("sessionid", self.officer["session"])
            # The progress form's page sets the CSRF cookie the posts need.
            response = self.client.get(f"/challenges/{self.officer['slug']}/actions/{self.officer['actions'][0]}/",
                                       name="sign-in")
            if response.history or response.status_code != 200:
                raise RuntimeError(f"The session made for {self.officer['username']} was not accepted")


class Officer(_SignedIn):
    """The mix: 80% reads of the officer's challenge, 20% progress updates posted."""

    @task(4)
    def dashboard(self) -> None:
        self.client.get(f"/challenges/{self.officer['slug']}/dashboard/", name="dashboard")

    @task(4)
    def action_plan(self) -> None:
        page = random.choice(["", "?page=2", "?sort=due_date", "?rag=amber"])  # noqa: S311
        self.client.get(f"/challenges/{self.officer['slug']}/plan/{page}", name="action plan")

    @task(2)
    def post_progress(self) -> None:
        action = random.choice(self.officer["actions"])  # noqa: S311
        narrative = f"Load test update {uuid.uuid4()}"
        with self.client.post(
            f"/challenges/{self.officer['slug']}/actions/{action}/progress/",
            name="post progress", allow_redirects=False, catch_response=True,
            data={"csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
                  "rag": random.choice(["green", "amber", "red"]),  # noqa: S311
                  "period": PLAN["period"], "narrative": narrative,
                  "evidence": "Programme board minutes", "next_steps": "Report next quarter"},
        ) as response:
            if response.status_code == 302:
                POSTED.append(narrative)
                response.success()
            else:
                response.failure(f"status {response.status_code}")


class Trivial(HttpUser):
    """The same server answering its cheapest view, for comparison within the run."""

    wait_time = WAIT

    @task
    def healthz(self) -> None:
        self.client.get("/healthz", name="healthz")


class SignedInTrivial(_SignedIn):
    """The signed-in trivial page (the accessibility statement: session, user, middleware and base
    template, no plan data), what issue 20 measures every page and the mix against."""

    @task
    def accessibility(self) -> None:
        self.client.get("/accessibility/", name="signed-in trivial")
