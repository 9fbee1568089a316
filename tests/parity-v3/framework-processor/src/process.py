print("process")
