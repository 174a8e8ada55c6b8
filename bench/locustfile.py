"""The locust user of P3: GET one URL as fast as answers come (closed loop).

Started headless by :mod:`bench.bars.throughput` with ``BENCH_PATH`` (the
URL) and ``BENCH_TOKEN`` (an API token, sent as ``Authorization: Bearer``;
empty for the bare baseline). ``FastHttpUser`` (geventhttpclient) keeps the
generator's own CPU cost low: it shares the machine's two cores with the
server. Any answer but 200 is a failure (R7).
"""

import os

from locust import FastHttpUser, constant, task

PATH = os.environ["BENCH_PATH"]
TOKEN = os.environ.get("BENCH_TOKEN", "")
HEADERS = {"Authorization": f"Bearer {TOKEN}"} if TOKEN else {}


class ListReader(FastHttpUser):
    wait_time = constant(0)

    @task
    def read(self):
        with self.client.get(PATH, headers=HEADERS, name="list", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
