"""The power-law memory kernel of SEISMIC (Zhao et al., KDD 2015) and its integrals.

phi(s) is the probability density that a follower reacts s seconds after seeing a post:
flat at c0 for s <= s0, then decaying as (s/s0)^-(1+theta). c0 makes it integrate to 1.
The defaults are the paper's Twitter fit (theta = 0.242, s0 = 300 s, c0 = 6.49e-4).
Both the cascade tree (inferring flattened retweets) and the spread predictor use it.
"""

from __future__ import annotations

import numpy as np

THETA = 0.242
S0 = 300.0


def _c0(theta: float, s0: float) -> float:
    return theta / (s0 * (1.0 + theta))


def memory_kernel(s, theta: float = THETA, s0: float = S0) -> np.ndarray:
    """phi(s); 0 for s < 0."""
    s = np.asarray(s, dtype=np.float64)
    c0 = _c0(theta, s0)
    tail = c0 * np.power(np.maximum(s, s0) / s0, -1.0 - theta)
    return np.where(s < 0, 0.0, np.where(s <= s0, c0, tail))


def kernel_cdf(s, theta: float = THETA, s0: float = S0) -> np.ndarray:
    """Phi(s) = integral of phi from 0 to s: the share of eventual reactions due by s."""
    s = np.asarray(s, dtype=np.float64)
    c0 = _c0(theta, s0)
    tail = 1.0 - (c0 * s0 / theta) * np.power(np.maximum(s, s0) / s0, -theta)
    return np.where(s <= 0, 0.0, np.where(s <= s0, c0 * np.maximum(s, 0.0), tail))


def kernel_first_moment(s, theta: float = THETA, s0: float = S0) -> np.ndarray:
    """Psi(s) = integral of x * phi(x) from 0 to s (finite because theta < 1)."""
    s = np.asarray(s, dtype=np.float64)
    c0 = _c0(theta, s0)
    x = np.maximum(s, 0.0)
    head = c0 * np.minimum(x, s0) ** 2 / 2.0
    far = np.maximum(x, s0)
    tail = c0 * s0 ** (1.0 + theta) * (far ** (1.0 - theta) - s0 ** (1.0 - theta)) / (1.0 - theta)
    return head + tail


# Only tests/test_spread.py calls it: delays drawn from the kernel to simulate cascades and check kernel_cdf.
def kernel_sample(rng: np.random.Generator, size, theta: float = THETA, s0: float = S0) -> np.ndarray:
    """Reaction delays drawn from phi by inverting Phi."""
    u = rng.random(size)
    c0 = _c0(theta, s0)
    head = u / c0
    tail = s0 * np.power((1.0 - u) * theta / (c0 * s0), -1.0 / theta)
    return np.where(u <= c0 * s0, head, tail)
