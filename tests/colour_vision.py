"""How far apart two colours look to a reader without red-green vision: each colour as
Machado, Oliveira and Fernandes (2009) simulate a full deuteranope or protanope seeing it,
then the CIE76 distance of the two in CIELAB (about 2.3 is just noticeable; under 20 two
marks read as one at a glance). Used to check that charts do not tell things apart by hue alone."""

from __future__ import annotations

import numpy as np

# Machado et al. 2009, severity 1.0, on linear RGB
SIMULATIONS = {
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
}
_RGB_TO_XYZ = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
_WHITE = np.array([0.95047, 1.0, 1.08883])


def rgb(colour) -> tuple[int, int, int]:
    """'#e45756', 'rgb(1,2,3)' or (1, 2, 3) as a tuple of 0-255 ints."""
    if isinstance(colour, str) and colour.startswith("#"):
        return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))
    if isinstance(colour, str):
        return tuple(int(float(v)) for v in colour[colour.index("(") + 1:colour.index(")")].split(","))[:3]
    return tuple(colour)


def _linear(colour) -> np.ndarray:
    c = np.array(rgb(colour)) / 255
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _lab(linear: np.ndarray) -> np.ndarray:
    t = (_RGB_TO_XYZ @ linear) / _WHITE
    f = np.where(t > 0.008856, np.cbrt(t), 7.787 * t + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def seen_apart(one, other, vision: str) -> float:
    """The CIE76 distance of two colours as a reader with `vision` (a SIMULATIONS key) sees them."""
    simulate = SIMULATIONS[vision]
    return float(np.linalg.norm(_lab(np.clip(simulate @ _linear(one), 0, 1))
                                - _lab(np.clip(simulate @ _linear(other), 0, 1))))


def on_scale(scale, at: float) -> tuple[float, ...]:
    """The colour of a plotly colour scale ((position, colour), ...) at `at` (0 to 1)."""
    for (start, low), (end, high) in zip(scale, scale[1:]):
        if start <= at <= end:
            share = (at - start) / (end - start) if end > start else 0.0
            return tuple(a + (b - a) * share for a, b in zip(rgb(low), rgb(high)))
    raise ValueError(f"{at} is off the scale")
