import helpers
print("train")
