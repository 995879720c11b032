#!/usr/bin/env python3
"""Derives examples/products.json from the lifecycle table (shared/lifecycle/products.csv).

Run from the repository root: python3 examples/derive-products.py ../shared/lifecycle/products.csv
Dates come from the table. Where it lists Extended Security Update years, the programme runs
from the day after the end of extended support to the end of the last year; elsewhere the
programme is illustrative: three years from the day after the end of extended support.
"""
import csv
import datetime
import json
import re
import sys

FAMILIES = [
    ("Windows Server", "Windows Server"),
    ("Windows Embedded", "Windows Embedded"),
    ("Windows XP Embedded", "Windows Embedded"),
    ("Windows", "Windows client"),
    ("SQL Server", "SQL Server"),
    ("Exchange Server", "Exchange Server"),
    ("Office", "Office"),
]


def family_of(name):
    for prefix, family in FAMILIES:
        if name.startswith(prefix) and not (family == "Windows client" and "Embedded" in name):
            return family
    return name.split()[0]


def service_pack(release):
    match = re.match(r"Service Pack (\w+)", release)
    return "SP" + match.group(1).upper() if match else "RTM"


def slug(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def day(text):
    return datetime.date.fromisoformat(text)


def main(path):
    products = []
    for row in csv.DictReader(open(path, encoding="utf-8")):
        releases = [r.split(":")[0].strip() for r in row["service_pack_support_ends"].split("|")]
        latest = service_pack(releases[0])
        start = day(row["extended_end"]) + datetime.timedelta(days=1)
        esu_ends = [row[k] for k in ("esu_year1_end", "esu_year2_end", "esu_year3_end") if row[k]]
        end = day(esu_ends[-1]) if esu_ends else start.replace(year=start.year + 3) - datetime.timedelta(days=1)
        family = family_of(row["product"])
        products.append({
            "id": slug(row["product"]) + ("-" + latest.lower() if latest != "RTM" else ""),
            "name": row["product"],
            "family": family,
            "version": row["product"][len(family):].strip() if row["product"].startswith(family) else row["product"],
            "service_pack": latest,
            "latest_service_pack": latest,
            "mainstream_end": row["mainstream_end"],
            "support_end": row["extended_end"],
            "custom_support": {"start": start.isoformat(), "end": end.isoformat()},
            "prerelease": False,
        })
    json.dump({"products": products}, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
