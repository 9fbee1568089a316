"""Splits the raw data (a script a ScriptProcessor runs)."""
import sys

print("preprocess", sys.argv[1:])
