"""`make dev`: the local stack as servers, a demo store set up, and an API on localhost:3000."""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from bc_subscriptions.domain.plan import Cadence, Plan
from bc_subscriptions.domain.schedule import Interval

from .stack import APP_BASE_URL, LocalStack
from .template import REPO_ROOT

API_PORT = 3000
STATE_FILE = REPO_ROOT / ".local" / "dev.json"


def api_app(stack: LocalStack) -> Any:
    """API Gateway stand-in plus `/_local/*` controls (fire a schedule, move the clock)."""

    @Request.application  # type: ignore[arg-type]
    def app(request: Request) -> Response:
        if request.path.startswith("/_local/"):
            return _control(stack, request)
        reply = stack.runtime.http(
            request.method,
            request.path,
            request.get_data(),
            dict(request.headers),
            dict(request.args),
        )
        return Response(reply.body, status=reply.status, headers=reply.headers)

    return app


def _control(stack: LocalStack, request: Request) -> Response:
    parts = request.path.strip("/").split("/")
    if parts[1:2] == ["schedules"] and len(parts) == 3:
        result = stack.fire(parts[2])
    elif parts[1:] == ["clock"]:
        stack.advance_clock(timedelta(days=float(request.args.get("days", "0"))))
        result = {"now": stack.now().isoformat()}
    else:
        return Response(
            json.dumps({"error": "not_found"}), status=404, content_type="application/json"
        )
    return Response(json.dumps(result, default=str), content_type="application/json")


def main() -> None:
    with LocalStack(server=True, log_level="INFO", start_at=None) as stack:
        stack.install_store("demostore")
        stack.add_product("demostore", 111, "Coffee beans", "25.00")
        stack.put_plan(
            "demostore",
            Plan(product_id=111, cadences=[Cadence(label="Monthly", interval=Interval.MONTH)]),
        )
        stack.register_endpoint("demostore")
        server = make_server("127.0.0.1", API_PORT, api_app(stack), threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        # The storefront loads our script from the app's public host; here that is this API.
        stack.emulator.serve_app_host(APP_BASE_URL, f"http://127.0.0.1:{API_PORT}")
        state = {
            **stack.urls,
            "api": f"http://127.0.0.1:{API_PORT}",
            # Sign in with store demostore and a customer's email; the account page shows the
            # storefront portal.
            "storefront": f"{stack.urls['bigcommerce']}/login.php",
            # The control-panel app as BigCommerce opens it (the payload is valid for a day).
            "control_panel": f"http://127.0.0.1:{API_PORT}/load?signed_payload_jwt="
            + stack.emulator.signed_payload("demostore"),
            "clock_file": str(stack.clock_file),
            # What scripts/webhooks --local needs to reach this stack's table, queues and key.
            "env": {**stack.function_env, "AWS_ENDPOINT_URL": stack.urls["aws"]},
        }
        STATE_FILE.parent.mkdir(exist_ok=True)
        STATE_FILE.write_text(json.dumps(state, indent=2))
        print(json.dumps(state, indent=2), "\nlocal stack running; Ctrl-C to stop", flush=True)
        try:
            while True:  # stands in for the event source mappings: stream and queues
                stack.pump()
                time.sleep(1)
        except KeyboardInterrupt:
            pass
        finally:
            server.shutdown()
            Path(STATE_FILE).unlink(missing_ok=True)


if __name__ == "__main__":
    main()
