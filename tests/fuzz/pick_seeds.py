#!/usr/bin/env python3
"""Picks at most CAP seeds from a libFuzzer merge control file (-merge_control_file) by greedy set
cover: each pick is the file that adds the most coverage features not yet covered (the smaller
file on a tie), until nothing is added or CAP files are picked. Copies them into OUT.
Usage: pick_seeds.py CONTROL_FILE OUT CAP (scripts/fuzz --update-seeds runs it)."""
import os
import shutil
import sys

control, out, cap = sys.argv[1], sys.argv[2], int(sys.argv[3])
lines = open(control).read().split("\n")
count = int(lines[0])
files = lines[2:2 + count]
features = {}
for line in lines[2 + count:]:
    parts = line.split()
    if parts and parts[0] == "FT":
        features[int(parts[1])] = set(map(int, parts[2:]))
every = set().union(*features.values()) if features else set()
covered, chosen = set(), []
while len(chosen) < cap and features:
    best = max(features, key=lambda i: (len(features[i] - covered), -os.path.getsize(files[i])))
    if not features[best] - covered:
        break
    chosen.append(best)
    covered |= features.pop(best)
os.makedirs(out, exist_ok=True)
for i in chosen:
    shutil.copy(files[i], os.path.join(out, os.path.basename(files[i])))
print("%d seeds covering %d of %d features" % (len(chosen), len(covered), len(every)))
