print("iq")
