#!/usr/bin/env python3
"""Prints the README's property table from the metadata the configuration processor generates.

Run after a build: python3 scripts/property-table.py > /tmp/table.md
"""
import json
import pathlib

metadata = pathlib.Path(__file__).resolve().parent.parent / \
    "partisan-spring-boot-autoconfigure/target/classes/META-INF/spring-configuration-metadata.json"
data = json.loads(metadata.read_text())
print("| property | default | description |\n|---|---|---|")
for prop in sorted(data["properties"], key=lambda p: p["name"]):
    if not prop["name"].startswith("partisan."):
        continue
    default = prop.get("defaultValue", "")
    if isinstance(default, bool):
        default = str(default).lower()
    elif isinstance(default, list):
        default = ", ".join(map(str, default))
    default = f"`{default}`" if default != "" else ""
    description = prop.get("description", "").replace("\n", " ").replace("|", "\\|")
    print(f"| `{prop['name']}` | {default} | {description} |")
