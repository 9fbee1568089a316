import argparse

print("preprocess")
