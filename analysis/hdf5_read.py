"""Small helpers to read marketsim HDF5 objects with h5py: opening a file, strings, attributes,
tables."""

import errno
import os
import re

import h5py
import numpy as np
import pandas as pd


class UnreadableFileError(OSError):
    """A file that cannot be opened as HDF5, with the reason in plain words."""


def open_file(path):
    """`path` opened read-only with h5py; every module opens its files here.

    @throws UnreadableFileError naming the file and why it cannot be read: missing, a directory,
    not an HDF5 file, being written by a run in progress (it holds the file's lock) or cut short.
    """
    path = str(path)
    if not os.path.exists(path):
        raise UnreadableFileError(f"cannot open '{path}': no such file")
    if os.path.isdir(path):
        raise UnreadableFileError(f"cannot open '{path}': it is a directory")
    try:
        return h5py.File(path, "r")
    except OSError as error:
        raise UnreadableFileError(open_error_words(path, error)) from None


def open_error_words(path, error):
    """What h5py's `error` on opening `path` means, in a line that names the file."""
    detail = str(error)
    if error.errno == errno.EAGAIN or "unable to lock file" in detail:
        return (f"'{path}' is being written by a run in progress (it holds the file's lock); "
                "wait for the run to finish")
    cut = re.search(r"truncated file: eof = (\d+).*stored_eof = (\d+)", detail)
    if cut:
        have, want = int(cut.group(1)), int(cut.group(2))
        why = ("did its run stop before the end?" if path.endswith(".partial")
               else "was it copied incompletely?")
        return f"'{path}' is an HDF5 file cut short ({have:,} of {want:,} bytes): {why}"
    if "file signature not found" in detail:
        return f"cannot open '{path}': not an HDF5 file"
    system = re.search(r"error message = '([^']*)'", detail)
    reason = system.group(1) if system else re.sub(r"^\[Errno \d+\] ", "", detail)
    return f"cannot open '{path}': {reason}"


def text(value):
    """A str from whatever h5py returned for a string (bytes, numpy bytes, str)."""
    if isinstance(value, (bytes, np.bytes_)):
        return value.decode("utf-8", errors="replace")
    return str(value)


def attribute(obj, name, default=None):
    """Attribute `name` of `obj` as a plain Python value (str, int, float), or `default`."""
    if name not in obj.attrs:
        return default
    value = obj.attrs[name]
    if isinstance(value, np.ndarray) and value.shape in ((), (1,)):
        value = value.reshape(-1)[0]
    if isinstance(value, (bytes, np.bytes_, str)):
        return text(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def attributes(obj):
    """Every attribute of `obj` as a dict of plain values."""
    return {name: attribute(obj, name) for name in obj.attrs}


def strings(dataset):
    """A 1-D string dataset as a list of str (a scalar one as a one-element list)."""
    values = dataset[()]
    if np.ndim(values) == 0:
        return [text(values)]
    return [text(v) for v in values]


def scalar_text(group, path, default=""):
    """The scalar string dataset `path` under `group`, or `default` when absent."""
    if path not in group:
        return default
    return strings(group[path])[0]


def axis_labels(dataset):
    """The dimension labels of `dataset` ("step", "firm", ...), "" where none is set."""
    try:
        return [dim.label or "" for dim in dataset.dims]
    except (RuntimeError, ValueError, KeyError):
        return [""] * dataset.ndim


def ordered(names, order):
    """`names` in the recorded `order` (names it lacks follow, in their own order); `names` as
    they are when there is no order."""
    if not order:
        return list(names)
    known = [name for name in order if name in names]
    return known + [name for name in names if name not in known]


def table(obj, order=None):
    """A table stored as a compound dataset or as a group of equal-length 1-D columns.

    `order` is the column order the file records (marketsim writes it at
    /experiment/columns/<table>); a group's columns are otherwise in name order, the order HDF5
    lists them in.
    """
    if isinstance(obj, h5py.Group):
        columns = {}
        for name, child in obj.items():
            if isinstance(child, h5py.Dataset) and child.ndim == 1:
                values = child[()]
                if values.dtype.kind in "SOU":
                    values = [text(v) for v in values]
                columns[name] = values
        return pd.DataFrame({name: columns[name] for name in ordered(list(columns), order)})
    data = obj[()]
    if data.dtype.names:
        frame = pd.DataFrame({name: data[name] for name in ordered(data.dtype.names, order)})
        for name in frame.columns:
            if frame[name].dtype == object:
                frame[name] = [text(v) for v in frame[name]]
        return frame
    columns = attribute(obj, "columns")
    if data.ndim == 2 and isinstance(columns, str):
        return pd.DataFrame(data, columns=[c.strip() for c in columns.split(",")])
    return pd.DataFrame(data)


def experiment_table(file, name):
    """/experiment/<name> of an open file as a DataFrame, its columns in the order recorded at
    /experiment/columns/<name> (name order when the file records none)."""
    order_path = f"experiment/columns/{name}"
    order = strings(file[order_path]) if order_path in file else None
    return table(file[f"experiment/{name}"], order)
