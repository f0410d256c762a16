"""A run file read as netCDF: xarray (through h5netcdf) names every axis of every series after its
dimension scale, with the series' own shape, and the scales at the file's root label them."""

import h5py
import numpy as np
import pytest

xr = pytest.importorskip("xarray")
pytest.importorskip("h5netcdf")

SERIES_GROUPS = ["market", "market/by_category", "segments", "firms", "categories", "dimensions"]


def _labels(dataset):
    return tuple(dim.label for dim in dataset.dims)


@pytest.mark.parametrize("which", ["run_file", "durables_file"])
def test_every_series_has_its_axes_names_and_shape(which, request):
    path = request.getfixturevalue(which)
    with h5py.File(path, "r") as f:
        for group in SERIES_GROUPS:
            ds = xr.open_dataset(path, engine="h5netcdf", group=group)
            for name, variable in ds.data_vars.items():
                stored = f[f"{group}/{name}"]
                assert variable.shape == stored.shape, (group, name)
                assert variable.dims == _labels(stored), (group, name)
            ds.close()


def test_the_root_scales_label_the_series(run_file):
    root = xr.open_dataset(run_file, engine="h5netcdf")
    assert set(root.coords) == {"step", "firm", "segment", "category", "dimension"}
    market = xr.open_dataset(run_file, engine="h5netcdf", group="market").assign_coords(root.coords)
    by_category = xr.open_dataset(run_file, engine="h5netcdf",
                                  group="market/by_category").assign_coords(root.coords)
    with h5py.File(run_file, "r") as f:
        firms = [n.decode() for n in f["firms/name"][()]]
        categories = [n.decode() for n in f["categories/name"][()]]
        assert list(root["firm"].values) == firms
        assert list(root["category"].values) == categories
        assert list(root["step"].values) == list(f["step"][()])
        share = market["market_share"].sel(firm=firms[1])
        assert np.array_equal(share.values, f["market/market_share"][:, 1], equal_nan=True)
        units = by_category["units"].sel(category=categories[-1], firm=firms[0])
        assert np.array_equal(units.values, f["market/by_category/units"][:, -1, 0])
    for ds in (root, market, by_category):
        ds.close()
