print("loraf")
