#!/usr/bin/python3
# Makes the NumPy fixture files the trace reader tests read, with Debian's python3-numpy
# (apt-get install python3-numpy; /usr/bin/python3 make_fixtures.py in this folder).
# The values are small integers and halves, so every dtype holds them exactly; the tests
# rebuild the same values in C#: element [h, r, c] of an array = base + h * 100 + r * 10 + c * 0.5.
import numpy as np

def values(base, *shape):
    idx = np.indices(shape)
    if len(shape) == 3:
        return base + idx[0] * 100.0 + idx[1] * 10.0 + idx[2] * 0.5
    return base + idx[0] * 10.0 + idx[1] * 0.5

h, m, n, d = 2, 3, 4, 5
q3, k3, v3 = values(1, h, m, d), values(2, h, n, d), values(3, h, n, d)
q2, k2, v2 = values(1, m, d), values(2, n, d), values(3, n, d)

# per-head float32 (savez), rank-2 float64 (savez_compressed), grouped float16
np.savez("heads-f4.npz", q=q3.astype("<f4"), k=k3.astype("<f4"), v=v3.astype("<f4"))
np.savez_compressed("plain-f8.npz", q=q2.astype("<f8"), k=k2.astype("<f8"), v=v2.astype("<f8"))
np.savez("groups-f2.npz", **{"layer0/q": q3.astype("<f2"), "layer0/k": k3.astype("<f2"), "layer0/v": v3.astype("<f2"),
                             "layer1/q": q3.astype("<f2"), "layer1/k": k3.astype("<f2"), "layer1/v": v3.astype("<f2")})
# big-endian, Fortran order and .npy format versions 2 and 3, as a folder of .npy files
import os
os.makedirs("folder", exist_ok=True)
np.save("folder/q.npy", q3.astype(">f8"))
np.save("folder/k.npy", np.asfortranarray(k3.astype("<f4")))
with open("folder/v.npy", "wb") as f:
    np.lib.format.write_array(f, v3.astype("<f8"), version=(3, 0))
with open("v2.npy", "wb") as f:
    np.lib.format.write_array(f, v3.astype("<f4"), version=(2, 0))
# a wrong dtype and an object (pickled) array
np.savez("int-k.npz", q=q2.astype("<f4"), k=k2.astype("<i4"), v=v2.astype("<f4"))
np.savez("object-v.npz", q=q2.astype("<f4"), k=k2.astype("<f4"), v=np.array([None, "x"], dtype=object))
