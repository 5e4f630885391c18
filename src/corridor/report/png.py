"""A static PNG map of the options (matplotlib; country shapes from :mod:`.shapes`)."""

from __future__ import annotations

from corridor.report.html import COLOURS
from corridor.report.shapes import country_rings, source


def write_png(report: dict, path: str) -> None:
    try:
        import matplotlib
    except ImportError as e:  # pragma: no cover - depends on the install
        from corridor.errors import BadInput

        raise BadInput("--png needs matplotlib: pip install 'corridor[report]' (or pip install matplotlib).") from e
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.collections import PolyCollection

    fig, ax = plt.subplots(figsize=(14, 7.5), dpi=100)
    ax.set_facecolor("#eaf2f8")
    ax.add_collection(PolyCollection([r for r in country_rings() if len(r) > 2], facecolors="#f4f1e8",
                                     edgecolors="#b9b3a4", linewidths=0.4))
    lons, lats = [], []
    for opt in report["options"]:
        for leg in opt["map"]:
            for part in leg["parts"]:
                seg = [part[0]]
                for a, b in zip(part[:-1], part[1:]):
                    if abs(b[0] - a[0]) > 180:
                        ax.plot([p[0] for p in seg], [p[1] for p in seg], color=COLOURS.get(leg["mode"]), lw=1.6, alpha=0.8)
                        seg = []
                    seg.append(b)
                ax.plot([p[0] for p in seg], [p[1] for p in seg], color=COLOURS.get(leg["mode"]), lw=1.6, alpha=0.8)
                lons += [p[0] for p in part]
                lats += [p[1] for p in part]
    for g in report["gateways"]:
        for p in g["seaports"][:2] + g["airports"][:1]:
            ax.plot(p["lon"], p["lat"], "ko", ms=3)
            ax.annotate(p.get("code") or p.get("iata"), (p["lon"], p["lat"]), fontsize=8, xytext=(3, 3),
                        textcoords="offset points")
    for m, c in COLOURS.items():
        if m != "transfer":
            ax.plot([], [], color=c, lw=3, label=m)
    ax.legend(loc="lower left", fontsize=9)
    ax.set_xlim(-180, 180)
    ax.set_ylim(-60, 80)
    ax.set_aspect("equal")
    g0, g1 = report["gateways"]
    ax.set_title(f"{g0['name']} → {g1['name']}: {len(report['options'])} corridor options")
    ax.text(0.99, 0.01, source(), transform=ax.transAxes,
            ha="right", va="bottom", fontsize=7, color="#555")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
