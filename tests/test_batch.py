"""Batch tables: CSV in, CSV/Parquet out, and the same figures on a Dask cluster."""

from __future__ import annotations

import csv

import numpy as np
import pytest

from corridor.batch import read_places, table
from corridor.engine.table import matrix
from corridor.errors import BadInput

PORTS = ["PECHY", "PECLL", "CNSHA", "NLRTM", "SGSIN", "USNYC", "AEJEA", "GEPTI", "KZAAU"]


def _csv(path, header, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def test_blocks_equal_one_matrix(net):
    km, hours = table(PORTS, PORTS[:5], block_rows=2)
    whole = matrix(PORTS, PORTS[:5])
    np.testing.assert_allclose(km, whole.distance_km, equal_nan=True)
    np.testing.assert_allclose(hours, whole.duration_h, equal_nan=True)
    assert np.isnan(km[PORTS.index("KZAAU")]).all()  # the Caspian: no sea route out


def test_dask_local_cluster_with_two_workers_equals_single_process(net):
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        km, hours = table(PORTS, PORTS, block_rows=3, dask=cluster.scheduler_address)
        with Client(cluster) as client:
            assert len(client.scheduler_info()["workers"]) == 2
    single_km, single_h = table(PORTS, PORTS, block_rows=len(PORTS))
    np.testing.assert_allclose(km, single_km, equal_nan=True)
    np.testing.assert_allclose(hours, single_h, equal_nan=True)


def test_read_places_both_formats(tmp_path):
    ids, places = read_places(_csv(tmp_path / "a.csv", ["id", "place"], [["ch", "PECHY"], ["sh", "Shanghai"]]))
    assert ids == ["ch", "sh"] and places == ["PECHY", "Shanghai"]
    ids, places = read_places(_csv(tmp_path / "b.csv", ["lat", "lon"], [["-12.05", "-77.15"]]))
    assert places == [(-12.05, -77.15)] and ids == ["-12.05,-77.15"]


@pytest.mark.parametrize("header, rows, words", [
    (["name"], [["x"]], "needs a 'place' column"),
    (["lat", "lon"], [["a", "1"]], "line 2: lat and lon must be numbers"),
    (["place"], [], "no rows"),
])
def test_bad_place_lists(tmp_path, header, rows, words):
    with pytest.raises(BadInput, match=words):
        read_places(_csv(tmp_path / "bad.csv", header, rows))


def test_cli_writes_csv_and_parquet(cli, tmp_path):
    o = _csv(tmp_path / "o.csv", ["place"], [[p] for p in PORTS[:3]])
    d = _csv(tmp_path / "d.csv", ["place"], [[p] for p in PORTS[2:6]])
    out = cli("matrix", "--origins", str(o), "--destinations", str(d), "--out", str(tmp_path / "m.csv"),
              check_rc=0).stdout
    assert "12 pairs" in out
    rows = list(csv.DictReader(open(tmp_path / "m.csv")))
    assert len(rows) == 12 and {r["origin"] for r in rows} == set(PORTS[:3])
    direct = matrix(["PECHY"], ["CNSHA"]).distance_km[0, 0]
    assert float(next(r for r in rows if r["origin"] == "PECHY" and r["destination"] == "CNSHA")["distance_km"]) \
        == pytest.approx(direct, abs=0.01)
    cli("matrix", "--origins", str(o), "--destinations", str(d), "--out", str(tmp_path / "m.parquet"), check_rc=0)
    import pyarrow.parquet as pq

    t = pq.read_table(tmp_path / "m.parquet")
    assert t.num_rows == 12 and set(t.column_names) == {"origin", "destination", "distance_km", "duration_h"}


def test_cli_bad_output_name(cli, tmp_path):
    o = _csv(tmp_path / "o.csv", ["place"], [["PECHY"]])
    p = cli("matrix", "--origins", str(o), "--destinations", str(o), "--out", str(tmp_path / "m.xlsx"))
    assert p.returncode == 2 and ".csv or .parquet" in p.stderr


def test_cli_refuses_air_in_a_table_naming_the_option(cli, tmp_path):
    o = _csv(tmp_path / "o.csv", ["place"], [["PECHY"]])
    p = cli("matrix", "--origins", str(o), "--destinations", str(o), "--out", str(tmp_path / "m.csv"),
            "--modes", "rail,air")
    assert p.returncode == 2 and "--modes" in p.stderr and "air" in p.stderr and not (tmp_path / "m.csv").exists()
