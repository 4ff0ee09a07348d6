"""The city as a grid of square cells, each in one district, with the city's geometry.

The geometry is the synthetic city's (``custodiet.world``): a square of side
``√(people / density)`` km split into ``districts_per_side²`` districts, the last district the
minority enclave and the one before it the migrant enclave (as the world places households).
Cells are laid over that square; a cell belongs to the district holding its centre.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from custodiet.scenario import WorldConfig

#: Cell side of the hot-spot grid in metres: 1 km, as in the differential-reporting study's
#: setting that the issue states; PredPol-style systems use smaller boxes (assumption).
DEFAULT_CELL_M = 1000.0


@dataclass(frozen=True)
class Grid:
    """Cells (row-major, ``per_side × per_side``) and the district of each."""

    per_side: int
    cell_m: float
    district: np.ndarray
    districts_per_side: int

    @property
    def n_cells(self) -> int:
        return self.per_side * self.per_side

    @property
    def n_districts(self) -> int:
        return self.districts_per_side * self.districts_per_side

    @property
    def column(self) -> np.ndarray:
        return np.arange(self.n_cells) % self.per_side

    @property
    def east(self) -> np.ndarray:
        """True for cells in the eastern half of the city (columns from the middle on)."""
        return self.column >= self.per_side // 2

    @property
    def enclaves(self) -> dict[str, int]:
        """District of each enclave, as the world places them (none in a one-district city)."""
        n = self.n_districts
        return {"minority": n - 1, "migrant": n - 2} if n >= 3 else {}

    def mirror(self) -> np.ndarray:
        """The cell mirrored across the north-south axis (for worlds equal in both halves)."""
        row, col = np.divmod(np.arange(self.n_cells), self.per_side)
        return row * self.per_side + (self.per_side - 1 - col)


def grid(per_side: int, districts_per_side: int = 4, cell_m: float = DEFAULT_CELL_M) -> Grid:
    """A square grid of ``per_side²`` cells over ``districts_per_side²`` districts."""
    if per_side < 1 or districts_per_side < 1:
        raise ValueError("a grid needs at least one cell and one district per side")
    centre = (np.arange(per_side) + 0.5) / per_side
    d_col = np.minimum((centre * districts_per_side).astype(np.int64), districts_per_side - 1)
    row, col = np.divmod(np.arange(per_side * per_side), per_side)
    district = d_col[row] * districts_per_side + d_col[col]
    return Grid(per_side, float(cell_m), district.astype(np.int64), districts_per_side)


def grid_of_city(world: WorldConfig, cell_m: float = DEFAULT_CELL_M) -> Grid:
    """The grid over the synthetic city of ``world``: its side from people and density, its
    districts from the geography (a city smaller than one cell gets one cell)."""
    side_m = math.sqrt(world.people / world.geography.density_per_km2) * 1000.0
    per_side = max(1, round(side_m / cell_m))
    return grid(per_side, world.geography.districts_per_side, cell_m)
