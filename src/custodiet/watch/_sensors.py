"""Sensors: which events the watch observes. An unobserved event does not exist for it.

Cameras cover a share of the places of each kind (times a per-district factor); a stay at a
home is seen through the camera at its compound's gate, or through a camera placed at the home
of a listed person (NYT-7). Hotel check-ins and tickets are ID-registered (complete); telecom
gives calls and phone-off spells; meters give utility readings; road checkpoints give the ID
cards they read. With ``phone_location`` every stay is observed except the part of it while the
person's phone was off (NYT-12), unless a camera sees its place.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pyarrow as pa

from custodiet.scenario.models import Sensors
from custodiet.watch._inputs import OBSERVED
from custodiet.watch._phone import PhoneOff
from custodiet.watch._rng import watch_rng


class Coverage:
    """Camera placement drawn once per run, and the filter applying it to a day's events."""

    def __init__(self, config: Sensors, places: pa.Table, persons: pa.Table,
                 home_camera_persons: np.ndarray, seed: int):
        self.config = config
        kind = places.column("kind").to_numpy(zero_copy_only=False).astype(str)
        district = places.column("district").to_numpy()
        compound = places.column("compound").to_numpy()
        n = places.num_rows
        share = np.zeros(n)
        for k, value in config.camera_coverage.items():
            share[kind == k] = value
        for d, factor in config.district_coverage.items():
            share[district == int(d)] *= factor
        rng = watch_rng(seed, -1, "sensors")
        camera = rng.random(n) < np.clip(share, 0.0, 1.0)
        # A home is seen through its compound's gate camera.
        home = (kind == "home") & (compound >= 0)
        camera[home] = camera[compound[home]]
        self.gate_camera = camera & (kind == "home")
        """Whether each place is a home behind a compound gate with a camera."""
        if config.hotel_registry:
            camera[kind == "hotel"] = True
        homes = persons.column("home_place").to_numpy()[home_camera_persons]
        homes = np.unique(homes)
        placed = homes[rng.random(homes.size) < config.home_camera_share]
        camera[placed] = True
        self.home_camera = np.zeros(n, bool)
        """Whether each place is a home with a camera placed at it."""
        self.home_camera[placed] = True
        self.camera = camera
        """Whether a stay at each place is observed."""
        self.home_cameras = int(placed.size)
        self._phone = PhoneOff(persons.num_rows) if config.phone_location else None

    def observe(self, events: Mapping[str, pa.Table], day: int) -> dict[str, pa.Table]:
        """The observed part of one day's events, each with ``seen_day = day``."""
        cfg = self.config
        out: dict[str, pa.Table] = {}
        for name, sch in OBSERVED.items():
            table = events.get(name)
            if table is None:
                table = sch.empty_table()
            if name == "stays":
                table = self._stays(table, events.get("phone_off"))
            elif (name in ("calls", "phone_off") and not cfg.telecom) or \
                    (name == "tickets" and not cfg.tickets) or \
                    (name == "utility" and not cfg.meters) or \
                    (name == "checkpoints" and not cfg.checkpoints):
                table = table.slice(0, 0)
            seen = pa.array(np.full(table.num_rows, day, np.int32))
            table = table.select([f.name for f in sch if f.name != "seen_day"])
            out[name] = table.append_column("seen_day", seen).cast(sch)
        return out

    def _stays(self, stays: pa.Table, phone_off: pa.Table | None) -> pa.Table:
        """The observed stays: those at a place with a camera whole; with phone location, the
        others too, less the minutes the person's phone was off."""
        camera = self.camera[stays.column("place").to_numpy()]
        if self._phone is None:
            return stays.filter(pa.array(camera))
        return self._phone.located(stays, camera, phone_off)

