#!/usr/bin/python3
"""Instructions per consumer-step in each part of the consumer kernel, from a callgrind run.

    bench/kernel_profile.py CALLGRIND_OUT BINARY CONSUMER_STEPS

CALLGRIND_OUT comes from `valgrind --tool=callgrind --dump-instr=yes BINARY ...` (bench/profile.sh
runs it). Each instruction of the kernel (the functions of the Kernel class and the layers it is
built from, KernelState to KernelCommunication: models/consumer_kernel.cpp and
models/kernel_*.hpp) is placed in a part by its chain of inlined functions (addr2line -i), the innermost named part
winning; a call out of the kernel (the batched Philox, libm, a helper the compiler kept out of
line) counts its whole cost to the part its callee or its call site belongs to. Synthesis,
recording and firm decisions are left out.
"""
import collections
import os
import re
import subprocess
import sys

# Innermost function name -> the part it belongs to, in the order printed.
PARTS = [
    ("batched Philox (chunk's random words)", ["rows_avx512", "rows_avx2", "rows_sse2", "philox_lanes"]),
    ("single Philox draws (ties, later occasions, lifetimes)", ["philox_one", "half_word"]),
    ("adstock, recency, contacts, word of mouth", ["advertise", "communicate", "hears"]),
    ("media exposures", ["expose", "exposures_slow"]),
    ("purchase occasions: who is due, how many", ["events", "due_in", "shop", "occasions", "poisson"]),
    ("durables: failures, replacement, lifetimes", ["own", "fail"]),
    ("choice: offers, programs, utilities, exponentials",
     ["choose", "decide", "nearest_variant", "adjust", "utilities"]),
    ("choice: sampling the pick", ["sample"]),
    ("purchase: loyalty, counters, CRM, panel", ["buy", "purchase"]),
    ("tallies: awareness, customers, loyalty, CRM",
     ["tally", "tally_rest", "count_aware", "segments", "aware", "after_step", "fold", "by_segment",
      "add_by_lane"]),
    ("chunk loop and block setup", ["run", "run_consumer_block", "run_lanes"]),
]
PART_OF = {name: part for part, names in PARTS for name in names}
# The kernel's own functions: its classes' members (Kernel<W>, KernelChoice<W>, ...), run_lanes<W>
# and run_consumer_block; calls out of them to any other function are counted by callee.
KERNEL_CLASS = re.compile(r"\bKernel[A-Za-z]*<|\brun_lanes<")
KERNEL = re.compile(KERNEL_CLASS.pattern + r"|\brun_consumer_block\b")


def short(function):
    """The bare name of a (demangled) function: no namespaces, template or parameter lists."""
    f = function.replace("(anonymous namespace)::", "")
    f = re.sub(r"\(.*", "", f)
    depth, out = 0, []
    for ch in f:  # drop template arguments, which may hold '::'
        depth += ch == "<"
        if depth == 0:
            out.append(ch)
        depth -= ch == ">"
    return "".join(out).split("::")[-1].strip()


def parse(path, binary):
    """Self cost per instruction address of the kernel's own code, and the inclusive cost of each
    call out of it: [(call-site address, callee name, cost)]."""
    names_ob, names_fn = {}, {}
    ob = fn = None
    self_cost = collections.Counter()
    calls = []
    addr = line = 0
    callee = None
    pending_call = False

    def ref(text, table):
        m = re.match(r"\((\d+)\)\s*(.*)", text)
        if m.group(2):
            table[m.group(1)] = m.group(2)
        return table.get(m.group(1), "")

    def position(tok, prev):
        if tok == "*":
            return prev
        if tok.startswith("0x"):
            return int(tok, 16)
        if tok[0] in "+-":
            return prev + int(tok)
        return int(tok)

    for raw in open(path):
        s = raw.strip()
        if not s or s.startswith("#"):
            continue
        key = s.split("=", 1)[0] if "=" in s.split(" ", 1)[0] else None
        if key in ("ob", "cob"):
            name = ref(s.split("=", 1)[1], names_ob)
            if key == "ob":
                ob = os.path.realpath(name) if name.startswith("/") else name
            continue
        if key in ("fn", "cfn"):
            name = ref(s.split("=", 1)[1], names_fn)
            if key == "fn":
                fn = name
            else:
                callee = name
            continue
        if key == "calls":
            pending_call = True
            continue
        if key is not None:
            continue
        if s[0] not in "0123456789+-*":
            continue
        parts = s.split()
        addr = position(parts[0], addr)
        line = position(parts[1], line) if len(parts) > 1 else line
        cost = int(parts[2]) if len(parts) > 2 else 0
        in_kernel = ob == binary and fn is not None and KERNEL.search(fn) is not None
        if pending_call:
            pending_call = False
            if in_kernel and callee is not None and not KERNEL_CLASS.search(callee):
                calls.append((addr, callee, cost))
            continue
        if in_kernel:
            self_cost[addr] += cost
    return self_cost, calls


def chains(binary, addresses):
    """The inlined function names at each address, innermost first (addr2line -i)."""
    text = "\n".join(hex(a) for a in addresses)
    out = subprocess.run(["addr2line", "-a", "-i", "-f", "-C", "-e", binary], input=text,
                         capture_output=True, text=True, check=True).stdout
    result, current, pair = {}, None, 0
    for ln in out.split("\n"):
        if re.fullmatch(r"0x[0-9a-f]+", ln):
            current, pair = int(ln, 16), 0
            result[current] = []
        elif current is not None and ln:
            if pair % 2 == 0:  # function and file:line lines alternate
                result[current].append(short(ln))
            pair += 1
    return result


def part_of(chain):
    for name in chain:  # innermost first
        if name in PART_OF:
            return PART_OF[name]
    return "chunk loop and block setup"


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    path, binary, steps = sys.argv[1], os.path.realpath(sys.argv[2]), float(sys.argv[3])
    self_cost, calls = parse(path, binary)
    where = chains(binary, set(self_cost) | {a for a, _, _ in calls})
    total = collections.Counter()
    for a, c in self_cost.items():
        total[part_of(where.get(a, []))] += c
    for a, callee, c in calls:
        name = short(callee)
        total[PART_OF[name] if name in PART_OF else part_of(where.get(a, []))] += c
    grand = sum(total.values())
    print("| part of the consumer kernel | instructions per consumer-step | share |")
    print("|---|---|---|")
    for part, _ in PARTS:
        if total[part]:
            print(f"| {part} | {total[part] / steps:,.0f} | {100 * total[part] / grand:.1f}% |")
    print(f"| **whole kernel** | **{grand / steps:,.0f}** | 100% |")


if __name__ == "__main__":
    main()
