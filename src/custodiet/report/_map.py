"""A map of the synthetic city, for the study report: its districts shaded by the share of
their residents the system named, the enclaves outlined, the cameras, and where the alerts of
each rule fall; beside it, who is named by group (never a person) against who lives there.
Read from one run store (the first city's watch run). A world run (no watch: ``custodiet
world``) gets the same map without alerts: its districts, enclaves and the cameras the
scenario's sensors place, beside each group's share of residents."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
from matplotlib.patches import Rectangle

from custodiet.report._drawing import draw
from custodiet.report._figures import _RC, MARKERS, PALETTE, export
from custodiet.store import open_run

#: A district is called an enclave of a group when the group's share of its residents is at
#: least this many times the group's share of the city (an assumption of the figure only).
ENCLAVE_FACTOR: float = 2.0
#: Rules drawn by name (those with the most alerts); the rest are drawn as "other rules".
MAX_RULES: int = 5
#: Cameras drawn at most; above it every k-th (in place order) is drawn and the legend says
#: so (a city of millions has tens of thousands, which would make the map megabytes long and
#: no easier to read).
MAX_CAMERAS: int = 5_000

_DISTRICTS = """
SELECT p.district, min(p.x), max(p.x), min(p.y), max(p.y), count(DISTINCT r.person_id),
       avg((r.ethnicity = 'minority')::INT), avg(r.migrant::INT),
       count(DISTINCT n.person)
FROM places p JOIN persons r ON r.home_place = p.place_id
LEFT JOIN named n ON n.person = r.person_id
WHERE p.kind = 'home' GROUP BY p.district ORDER BY p.district
"""
_NAMED = ("CREATE TEMP TABLE named AS SELECT DISTINCT unnest(persons) AS person FROM alerts "
          "WHERE NOT suppressed_by_redlist")
_ALERTS = """
SELECT a.rule, p.x, p.y, count(*) FROM alerts a JOIN places p ON a.place = p.place_id
WHERE NOT a.suppressed_by_redlist AND p.x IS NOT NULL AND NOT isnan(p.x) GROUP BY ALL
ORDER BY a.rule, p.x, p.y
"""
_CAMERAS = ("SELECT p.x, p.y, p.kind = 'home' FROM cameras c JOIN places p "
            "ON c.place_id = p.place_id WHERE p.x IS NOT NULL AND NOT isnan(p.x) "
            "ORDER BY c.place_id")
_GROUPS = """
SELECT avg((ethnicity = 'minority')::INT), avg(migrant::INT), avg("foreign"::INT),
       avg(official::INT), avg(petition_history_recorded::INT),
       avg((ethnicity = 'minority')::INT) FILTER (WHERE n.person IS NOT NULL),
       avg(migrant::INT) FILTER (WHERE n.person IS NOT NULL),
       avg("foreign"::INT) FILTER (WHERE n.person IS NOT NULL),
       avg(official::INT) FILTER (WHERE n.person IS NOT NULL),
       avg(petition_history_recorded::INT) FILTER (WHERE n.person IS NOT NULL)
FROM persons r LEFT JOIN named n ON n.person = r.person_id
"""
GROUP_LABELS = ("minority", "migrants", "foreigners", "officials", "petition history")


def city_data(store: Path, cameras: np.ndarray | None = None,
              alerts: pa.Table | None = None) -> dict[str, list[tuple]]:
    """The aggregates the map draws: per district (box, residents, group shares, people
    named), alerts per rule and place (in that order: markers overlap, and drawn in the order
    a parallel aggregation returns them the same study drew a different map), cameras, and
    group shares among residents and named. A store without alerts (a world run) names
    nobody; its cameras are ``cameras`` (place ids) when given, none otherwise. ``alerts``
    (``schema.ALERTS``: one rule's alerts replayed over the stored city, say) are drawn in
    place of the store's own."""
    with open_run(store) as run:
        tables = run.tables()
        if alerts is not None:  # shadows the stored table for this connection
            run.con.register("alerts", alerts)
        watched = "alerts" in tables or alerts is not None
        run.con.execute(_NAMED if watched else
                        "CREATE TEMP TABLE named AS SELECT NULL::BIGINT AS person LIMIT 0")
        if "cameras" not in tables and cameras is not None:
            run.con.register("cameras", pa.table(
                {"place_id": pa.array(np.asarray(cameras), pa.int64())}))
        has_cameras = "cameras" in tables or cameras is not None
        return {"districts": run.con.execute(_DISTRICTS).fetchall(),
                "alerts": run.con.execute(_ALERTS).fetchall() if watched else [],
                "cameras": run.con.execute(_CAMERAS).fetchall() if has_cameras else [],
                "groups": run.con.execute(_GROUPS).fetchall(),
                "watched": [(watched,)]}


def _enclaves(districts: list[tuple]) -> dict[int, str]:
    """Districts whose minority or migrant share is ENCLAVE_FACTOR times the city's."""
    people = np.array([d[5] for d in districts], dtype=float)
    out: dict[int, str] = {}
    for col, name in ((6, "minority enclave"), (7, "migrant enclave")):
        share = np.array([d[col] or 0.0 for d in districts])
        city = float((share * people).sum() / max(people.sum(), 1))
        for d, s in zip(districts, share, strict=True):
            if city > 0 and s >= ENCLAVE_FACTOR * city:
                out[int(d[0])] = name
    return out


def _draw_map(ax: object, data: dict[str, list[tuple]]) -> None:
    import matplotlib as mpl

    districts = data["districts"]
    watched = _watched(data)
    rates = [1000 * d[8] / d[5] if d[5] and watched else 0.0 for d in districts]
    norm = mpl.colors.Normalize(min(rates), max(max(rates), min(rates) + 1e-9))
    cmap = mpl.colormaps["Greys"]
    enclaves = _enclaves(districts)
    for d, rate in zip(districts, rates, strict=True):
        x0, x1, y0, y1 = d[1:5]
        enclave = enclaves.get(int(d[0]))
        ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, facecolor=cmap(0.1 + 0.5 * norm(rate)),
                               edgecolor="#000000" if enclave else "#ffffff",
                               lw=2.2 if enclave else 1.0, zorder=0))
        label = [f"{rate:.0f}‰"] if watched else [f"{d[5]:,}"]
        ax.text(x0 + 8, y1 - 8, "\n".join(label + ([enclave] if enclave else [])),
                fontsize=6.5, va="top", color="#1a1a1a", zorder=4)
    cams = np.array([(c[0], c[1]) for c in data["cameras"] if not c[2]] or [(np.nan, np.nan)])
    step = -(-len(cams) // MAX_CAMERAS)
    ax.plot(cams[::step, 0], cams[::step, 1], linestyle="none", marker="+", color="#555555",
            markersize=4, zorder=2, label="camera (not at a home)" if step == 1 else
            f"camera (not at a home; 1 in {step} of {len(cams):,} drawn)")
    _draw_alerts(ax, data["alerts"])
    ax.set_aspect("equal")
    ax.autoscale_view()
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    ax.set_title("Where the alerts fall; districts by residents named per 1,000" if watched
                 else "The city: districts (residents), enclaves, cameras", loc="left")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.02), ncol=2, fontsize=7)


def _draw_alerts(ax: object, alerts: list[tuple]) -> None:
    """One marker per place and rule, its area by the number of alerts there."""
    totals: dict[str, int] = {}
    for rule, _, _, n in alerts:
        totals[rule] = totals.get(rule, 0) + n
    top = sorted(totals, key=lambda r: (-totals[r], r))[:MAX_RULES]
    for i, rule in enumerate([*top, None]):
        pts = [(x, y, n) for r, x, y, n in alerts if (r == rule if rule else r not in top)]
        if not pts:
            continue
        arr = np.array(pts, dtype=float)
        k = i if rule else len(PALETTE) - 2
        style = {"alpha": 0.75, "color": PALETTE[k % len(PALETTE)],
                 "marker": MARKERS[k % len(MARKERS)], "edgecolor": "white",
                 "linewidth": 0.4, "zorder": 3}
        sizes = 12 + 8 * np.sqrt(arr[:, 2])
        # One collection per marker size, largest first: the SVG then defines each size's
        # marker once and places it by reference, where a collection of mixed sizes writes
        # every marker's outline in full (about 0.7 of the map's 0.8 MB in the demo).
        for n in np.unique(arr[:, 2])[::-1]:
            at = arr[:, 2] == n
            ax.scatter(arr[at, 0], arr[at, 1], s=float(sizes[at][0]), **style)
        # the legend's marker as one mixed collection draws it (the mean of the largest and
        # smallest), from an empty collection
        ax.scatter([], [], s=0.5 * float(sizes.max() + sizes.min()), **style,
                   label=f"{rule or 'other rules'} ({sum(int(p[2]) for p in pts):,})")


def _watched(data: dict[str, list[tuple]]) -> bool:
    return bool(data.get("watched", [(True,)])[0][0])


def _draw_groups(ax: object, row: tuple, *, watched: bool = True) -> None:
    y = np.arange(len(GROUP_LABELS))[::-1]
    residents = [100 * (v or 0.0) for v in row[:5]]
    named = [100 * (v or 0.0) for v in row[5:]]
    if not watched:  # nobody is named in a world without a watch
        ax.barh(y, residents, height=0.6, color="#bbbbbb", label="of residents")
        ax.set_title("Who lives there, by group", loc="left")
    else:
        ax.barh(y + 0.2, residents, height=0.38, color="#bbbbbb", label="of residents")
        ax.barh(y - 0.2, named, height=0.38, color=PALETTE[0], label="of people named")
        ax.set_title("Who is named, by group", loc="left")
    ax.set_yticks(y, GROUP_LABELS)
    ax.set_xlabel("share (%)")
    ax.legend(loc="lower right", fontsize=7)


def _figure(data: dict[str, list[tuple]]) -> object:
    import matplotlib.pyplot as plt

    with plt.rc_context(_RC):
        fig, (ax, side) = plt.subplots(1, 2, figsize=(9.0, 5.6),
                                       gridspec_kw={"width_ratios": [2.2, 1]})
        _draw_map(ax, data)
        _draw_groups(side, data["groups"][0], watched=_watched(data))
        fig.tight_layout()
    return fig


def world_map(store: Path, out: Path, cameras: np.ndarray | None = None) -> Path | None:
    """The map of a world run (no watch, no alerts) written as the SVG file ``out``: its
    districts labelled with their residents, the enclaves outlined, ``cameras`` (place ids, as
    the scenario's sensors place them) and each group's share of residents; None when the
    store has no homes to draw."""
    if not (store / "manifest.json").is_file():
        return None
    data = city_data(store, cameras)
    if not data["districts"]:
        return None
    svg = compact(export(_figure(data), "map"))
    Path(out).write_text(_XML + svg, encoding="utf-8")
    return Path(out)


#: How to read the map (the report's caption after "The first city: ", the workbench's).
MAP_KEY: str = (
    "each square is a district (its shade and number: residents named by an alert per 1,000 "
    "living there; a black outline: an enclave, where the minority's or migrants' share is at "
    f"least {ENCLAVE_FACTOR:g} times the city's); + a camera outside a home; each marker the "
    "alerts of one rule at one place, larger for more. Right: each group's share among "
    "residents and among the people named (no person is shown).")


def map_svg(data: dict[str, list[tuple]], name: str = "map") -> str:
    """The map of :func:`city_data`'s aggregates as compact SVG markup (its ids prefixed by
    ``name``, so several maps may share a page)."""
    return compact(export(_figure(data), name))


def city_map(store: Path, figures_dir: Path | None) -> tuple[Any, str] | None:
    """The map figure as inline SVG (a :class:`~custodiet.report._drawing.Pending` within
    ``on_cores``) and its caption; None when the store is not there."""
    if not (store / "manifest.json").is_file():
        return None
    data = city_data(store)
    if not data["districts"]:
        return None
    caption = f"The first city: {MAP_KEY}"
    return draw("city-map", figures_dir, _figure, data, finish=_compacted), caption


def _compacted(svg: str, name: str, folder: Path | None) -> str:
    """The map's markup made :func:`compact`, and written so as ``name.svg`` into ``folder``
    when given."""
    svg = compact(svg)
    if folder is not None:
        (folder / f"{name}.svg").write_text(_XML + svg, encoding="utf-8")
    return svg


_XML = '<?xml version="1.0" encoding="utf-8"?>\n'
#: A run of markers placed by reference (``<use>``) with one style.
_USES = re.compile(r'(?:\s*<use [^>]*? style="([^"]*)"/>)(?:\s*<use [^>]*? style="\1"/>)+')
#: A marker's position, rounded to 0.01 pt (a 7,200th of an inch: nothing a screen shows).
_POSITION = re.compile(r' ([xy])="(-?\d+\.\d{3,})"')


def compact(svg: str) -> str:
    """The map's SVG, smaller and drawn the same: each run of markers sharing a style gets the
    style once, on a group around them (a ``<use>`` inherits it from there), and marker
    positions are rounded to 0.01 pt."""
    def hoist(match: re.Match[str]) -> str:
        style = match.group(1)
        return (f'<g style="{style}">' + match.group(0).replace(f' style="{style}"', "")
                + "</g>")

    return _POSITION.sub(lambda m: f' {m.group(1)}="{float(m.group(2)):.2f}"',
                         _USES.sub(hoist, svg))
