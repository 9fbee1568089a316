print("boost")
