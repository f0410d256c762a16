"""Whether two marketsim files hold the same results, bit for bit.

    python3 same_files.py A.h5 B.h5

Compares every group, dataset and attribute of A and B: names, types, shapes and bytes. The
attributes that record how and when a run was made (threads, wall_seconds, created_utc,
git_commit, program_hash), wherever they are, are left out. The dimension scales' references
(DIMENSION_LIST, REFERENCE_LIST) are compared by the paths they point to, since their bytes are
addresses in the file. Prints the differences and exits 1 if there are any, else prints how
many objects it compared and exits 0.

compare() can also tolerate small differences in the floats of chosen datasets (libm_paths.py
beside this file uses it).
"""

import sys

import h5py
import numpy as np

LEFT_OUT = {"threads", "wall_seconds", "created_utc", "git_commit", "program_hash"}
REFERENCES = {"DIMENSION_LIST", "REFERENCE_LIST"}


def paths_by_address(f):
    """Each object's path in file f, by its address (h5py's .name is slow in a large file)."""
    paths = {h5py.h5o.get_info(f.id).addr: "/"}

    def add(name, obj):
        paths.setdefault(h5py.h5o.get_info(obj.id).addr, "/" + name)

    f.visititems(add)
    return paths


def resolved(f, paths, value):
    """A dimension-scale attribute with each object reference replaced by its object's path."""
    if isinstance(value, h5py.Reference):
        return paths[h5py.h5o.get_info(f[value].id).addr] if value else None
    if isinstance(value, np.void):  # a REFERENCE_LIST entry: (dataset, dimension)
        return tuple(resolved(f, paths, value[name]) for name in value.dtype.names)
    if isinstance(value, (np.ndarray, list, tuple)):
        return [resolved(f, paths, v) for v in value]
    return value.item() if isinstance(value, np.generic) else value


def same_value(x, y):
    x, y = np.asarray(x), np.asarray(y)
    if x.dtype != y.dtype or x.shape != y.shape:
        return False
    if x.dtype == object:  # variable-length strings: their bytes are pointers
        return x.tolist() == y.tolist()
    return x.tobytes() == y.tobytes()


def close_floats(x, y, rtol):
    """Whether float arrays x and y, of one shape, differ by at most rtol relative to each value
    or to the largest value of x (for values near 0); NaN only where the other is NaN."""
    x, y = np.asarray(x), np.asarray(y)
    if x.dtype.kind != "f" or x.dtype != y.dtype or x.shape != y.shape:
        return False
    if not np.array_equal(np.isnan(x), np.isnan(y)):
        return False
    if x.size == 0 or np.isnan(x).all():
        return True
    scale = np.nanmax(np.abs(x))
    with np.errstate(invalid="ignore"):
        gap = np.abs(x - y)
        bound = rtol * np.maximum(np.maximum(np.abs(x), np.abs(y)), scale)
    return bool(np.all((gap <= bound) | np.isnan(x)))


def compare(a, b, tolerance=None, tolerated=None):
    """(objects compared, differences) of files a and b. Where tolerance(path) gives a relative
    tolerance for a dataset, floats that differ by at most that much (close_floats) are no
    difference; each such dataset's path is added to the list `tolerated`."""
    differences = []
    compared = 0
    paths = {}  # file -> paths_by_address(file), made when a reference is first compared

    def referenced(obj, name):
        if obj.file not in paths:
            paths[obj.file] = paths_by_address(obj.file)
        return resolved(obj.file, paths[obj.file], obj.attrs[name])

    def attributes(path, oa, ob):
        names_a = set(oa.attrs) - LEFT_OUT
        names_b = set(ob.attrs) - LEFT_OUT
        for name in sorted(names_a ^ names_b):
            differences.append(f"{path}: attribute {name} is in one file only")
        for name in sorted(names_a & names_b):
            if name in REFERENCES:
                same = referenced(oa, name) == referenced(ob, name)
            else:
                same = same_value(oa.attrs[name], ob.attrs[name])
            if not same:
                differences.append(f"{path}: attribute {name} differs")

    def visit(path, oa, ob):
        nonlocal compared
        compared += 1
        attributes(path, oa, ob)
        if isinstance(oa, h5py.Group) != isinstance(ob, h5py.Group):
            differences.append(f"{path}: a group in one file, a dataset in the other")
            return
        if isinstance(oa, h5py.Group):
            for name in sorted(set(oa) ^ set(ob)):
                differences.append(f"{path}/{name}: in one file only")
            for name in sorted(set(oa) & set(ob)):
                visit(f"{path.rstrip('/')}/{name}", oa[name], ob[name])
        elif not same_value(oa[()], ob[()]):
            rtol = tolerance(path) if tolerance else None
            if rtol is not None and close_floats(oa[()], ob[()], rtol):
                if tolerated is not None:
                    tolerated.append(path)
            else:
                differences.append(f"{path}: the data differ")

    visit("/", a, b)
    return compared, differences


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    with h5py.File(argv[1], "r") as a, h5py.File(argv[2], "r") as b:
        compared, differences = compare(a, b)
    for line in differences[:50]:
        print(line)
    if differences:
        print(f"{len(differences)} differences in {compared} objects")
        return 1
    print(f"{compared} objects compared, all the same")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
