"""Whether two marketsim files hold the same results, bit for bit.

    python3 same_files.py A.h5 B.h5

Compares every group, dataset and attribute of A and B: names, types, shapes and bytes. The
attributes that record how and when a run was made (threads, wall_seconds, created_utc,
git_commit), wherever they are, are left out, and so are the references behind the dimension
scales (DIMENSION_LIST, REFERENCE_LIST), whose bytes are addresses in the file. Prints the
differences and exits 1 if there are any, else prints how many objects it compared and exits 0.
"""

import sys

import h5py
import numpy as np

LEFT_OUT = {"threads", "wall_seconds", "created_utc", "git_commit", "DIMENSION_LIST",
            "REFERENCE_LIST"}


def same_value(x, y):
    x, y = np.asarray(x), np.asarray(y)
    if x.dtype != y.dtype or x.shape != y.shape:
        return False
    if x.dtype == object:  # variable-length strings: their bytes are pointers
        return x.tolist() == y.tolist()
    return x.tobytes() == y.tobytes()


def compare(a, b):
    differences = []
    compared = 0

    def attributes(path, oa, ob):
        names_a = set(oa.attrs) - LEFT_OUT
        names_b = set(ob.attrs) - LEFT_OUT
        for name in sorted(names_a ^ names_b):
            differences.append(f"{path}: attribute {name} is in one file only")
        for name in sorted(names_a & names_b):
            if not same_value(oa.attrs[name], ob.attrs[name]):
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
