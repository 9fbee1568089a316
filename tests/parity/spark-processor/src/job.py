print("spark")
