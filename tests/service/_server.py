"""A real API process for the kill test: the app plus a deliberately slow fake embedder ("slow-hash").

``python -m tests.service._server PORT``; SLOW_DELAY (seconds per text) and SLOW_MARKER (a file written when
embedding starts) come from the environment, as does DATABASE_URL.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence

import numpy as np

from synthesis.embed import REGISTRY
from tests.utils.fake_embedder import HashEmbedder


class SlowEmbedder(HashEmbedder):
    name = "slow-hash"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        marker = os.environ.get("SLOW_MARKER")
        if marker:
            with open(marker, "w") as fh:
                fh.write(str(len(texts)))
        time.sleep(float(os.environ.get("SLOW_DELAY", "0")) * len(texts))
        return super().embed(texts)


def main() -> None:
    import uvicorn

    REGISTRY["slow-hash"] = lambda model=None: SlowEmbedder()
    uvicorn.run(
        "service.main:create_app", factory=True, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning"
    )


if __name__ == "__main__":
    main()
