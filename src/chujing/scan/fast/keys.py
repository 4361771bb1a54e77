"""Numba kernels for per-person bookkeeping: 128-bit key hashes, a person table, track points.

A person key is held as two 64-bit hashes of its type and text (two independently seeded
multiply-rotate lanes with a 64-bit finaliser each). The table maps a (h1, h2) pair to a dense
person number by open addressing; a person's flags are OR-ed in place, so a batch costs one
probe per keyed row and no sort or group-by. Text keys are kept once per distinct person, for
the keyed BLAKE2b that leaves the process. Two distinct keys would merge only if both 64-bit
lanes collided: about n^2 / 2^129 for n persons (1e-26 for 2M), far below any data error.
"""

from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba import njit, types, uint64
from numba.core import cgutils
from numba.extending import intrinsic

# No reference counting, as in kernels.py: these kernels allocate nothing either.
_JIT = {"cache": True, "nogil": True, "_nrt": False}
_INLINE = {**_JIT, "inline": "always"}

_K1 = uint64(0x9E3779B97F4A7C15)
_K2 = uint64(0xC2B2AE3D27D4EB4F)
_K3 = uint64(0x165667B19E3779F9)
_K4 = uint64(0xD6E8FEB86659FD93)
_F1 = uint64(0xFF51AFD7ED558CCD)
_F2 = uint64(0xC4CEB9FE1A85EC53)


@njit(**_INLINE)
def _rotl(x, r):
    return (x << uint64(r)) | (x >> uint64(64 - r))


@njit(**_INLINE)
def _fmix(h):
    h ^= h >> uint64(33)
    h *= _F1
    h ^= h >> uint64(33)
    h *= _F2
    h ^= h >> uint64(33)
    return h


@intrinsic
def load_u64(typingctx, buf, at):
    """The 8 bytes buf[at:at+8] as a little-endian uint64, one unaligned load (the caller
    keeps them inside the array)."""
    if not (isinstance(buf, types.Array) and buf.dtype == types.uint8):
        return None

    return types.uint64(buf, at), _load_word


def _load_word(context, builder, signature, args):
    """LLVM for an unaligned 8-byte load at buf[at] (native, i.e. little-endian, order)."""
    array = context.make_array(signature.args[0])(context, builder, args[0])
    at = context.cast(builder, args[1], signature.args[1], types.intp)
    pointer = builder.bitcast(builder.gep(array.data, [at]), ir.IntType(64).as_pointer())
    return builder.load(pointer, align=1)


@intrinsic
def store_u64(typingctx, buf, at, word):
    """Writes `word` to buf[at:at+8] in native (little-endian) order, one unaligned store (the
    caller keeps the 8 bytes inside the array)."""
    if not (isinstance(buf, types.Array) and buf.dtype == types.uint8):
        return None

    def codegen(context, builder, signature, args):
        array = context.make_array(signature.args[0])(context, builder, args[0])
        offset = context.cast(builder, args[1], signature.args[1], types.intp)
        pointer = builder.bitcast(builder.gep(array.data, [offset]), ir.IntType(64).as_pointer())
        builder.store(context.cast(builder, args[2], signature.args[2], types.uint64), pointer,
                      align=1)
        return context.get_dummy_value()

    return types.void(buf, at, word), codegen


@intrinsic
def at(typingctx, buf, index):
    """buf[index] of a 1-D array, read without numba's negative-index wraparound (a compare
    and add per read: ~30% of a byte loop); the index must be in range, as with
    boundscheck off."""
    if not isinstance(buf, types.Array) or buf.ndim != 1 or not isinstance(index, types.Integer):
        return None

    def codegen(context, builder, signature, args):
        array = context.make_array(signature.args[0])(context, builder, args[0])
        offset = context.cast(builder, args[1], signature.args[1], types.intp)
        return context.unpack_value(builder, signature.return_type,
                                    builder.gep(array.data, [offset]))  # bools are bytes

    return buf.dtype(buf, index), codegen


@intrinsic
def load_u64_be(typingctx, buf, at):
    """The 8 bytes buf[at:at+8] as a big-endian uint64: comparing two such words compares
    the 8-byte strings (the caller keeps them inside the array)."""
    if not (isinstance(buf, types.Array) and buf.dtype == types.uint8):
        return None

    def codegen(context, builder, signature, args):
        word = _load_word(context, builder, signature, args)
        i64 = ir.IntType(64)
        swap = cgutils.get_or_insert_function(builder.module, ir.FunctionType(i64, [i64]),
                                              "llvm.bswap.i64")
        return builder.call(swap, [word])

    return types.uint64(buf, at), codegen


@intrinsic
def _prefetch(typingctx, buf, at):
    """Ask for the cache line of buf.flat[at] (a hint: no fault, no effect on results)."""
    if not isinstance(buf, types.Array):
        return None

    def codegen(context, builder, signature, args):
        array = context.make_array(signature.args[0])(context, builder, args[0])
        at = context.cast(builder, args[1], signature.args[1], types.intp)
        pointer = builder.bitcast(builder.gep(array.data, [at]), ir.IntType(8).as_pointer())
        i32 = ir.IntType(32)
        # named from the pointer type as numba names llvm.memcpy: p0i8 where pointers are
        # typed (numba < 0.68's LLVM), which newer LLVM renames to its p0
        function = builder.module.declare_intrinsic(
            "llvm.prefetch", [pointer.type],
            ir.FunctionType(ir.VoidType(), [pointer.type, i32, i32, i32]))
        builder.call(function, [pointer, i32(0), i32(3), i32(1)])  # read, keep, data
        return context.get_dummy_value()

    return types.void(buf, at), codegen


@njit(**_INLINE)
def _hash_cell(buf, s, n, seed):
    """(h1, h2) of bytes buf[s:s+n] under `seed`: 8-byte little-endian words, the last one
    zero-padded. Each word is one load that stays inside the cell's own bytes or its view,
    so buf[s:s+n] must be a string view's cell: the last word of a cell of 8+ bytes is read
    back from its end (the bytes already hashed shifted off); a shorter cell is inline in its
    16-byte view, 12 bytes from s (the bytes after it masked off)."""
    h1 = seed ^ _K3
    h2 = seed ^ _K4
    k = 0
    while k < n:
        left = n - k
        if left >= 8:
            w = load_u64(buf, s + k)
        elif n >= 8:
            w = load_u64(buf, s + n - 8) >> uint64(8 * (8 - left))
        else:
            w = load_u64(buf, s) & ((uint64(1) << uint64(8 * left)) - uint64(1))
        h1 = _rotl(h1 ^ (w * _K1), 31) * _K2
        h2 = _rotl(h2 ^ (w * _K2), 29) * _K1 + h1
        k += 8
    h1 ^= uint64(n)
    h2 ^= uint64(n) * _K3
    return _fmix(h1), _fmix(h2 ^ h1)


@njit(**_INLINE)
def _view_hash(v32, vu8, data, starts, i, seed):
    """_hash_cell of string view i: its bytes inline in the view (up to 12) or in a buffer."""
    n = at(v32, 4 * i)
    if n <= 12:
        return _hash_cell(vu8, 16 * i + 4, n, seed)
    return _hash_cell(data, at(starts, at(v32, 4 * i + 2)) + at(v32, 4 * i + 3), n, seed)


@njit(**_JIT)
def hash_views(v32, vu8, data, starts, valid, seed, want, h1, h2):
    """Hash the cells of an Arrow string-view column that `want` marks (none if it is empty);
    the others get 0."""
    for i in range(h1.size):
        if (want.size != 0 and not want[i]) or (valid.size != 0 and valid[i] == 0):
            h1[i] = 0
            h2[i] = 0
            continue
        a, b = _view_hash(v32, vu8, data, starts, i, seed)
        h1[i] = a
        h2[i] = b


@njit(**_JIT)
def hash_into(v32, vu8, data, starts, valid, seed, rows, tag, keyed, winner, h1, h2):
    """A key candidate's hashes written straight into the batch's: each non-null cell i
    (batch row rows[i], or i if `rows` is empty) whose row no stronger candidate keyed gets
    its (h1, h2), is marked keyed and gets `tag` as its winner; other rows are left as they
    are."""
    for i in range(v32.size // 4):
        r = i if rows.size == 0 else np.int64(rows[i])
        if keyed[r] or (valid.size != 0 and valid[i] == 0):
            continue
        a, b = _view_hash(v32, vu8, data, starts, i, seed)
        h1[r] = a
        h2[r] = b
        keyed[r] = True
        winner[r] = tag


@njit(**_JIT)
def combine(a1, a2, b1, b2, seed, h1, h2):
    """Hashes of a pair of keys (name with address) from the hashes of each part."""
    for i in range(h1.size):
        h1[i] = _fmix(_rotl(a1[i] * _K1 + seed, 27) ^ (b1[i] * _K2))
        h2[i] = _fmix(_rotl(a2[i] * _K3 ^ seed, 31) + b2[i] * _K4)


@njit(**_JIT)
def track_points(v32, vu8, data, starts, valid, seed, rows, person, rec, cap):
    """Keep up to `cap` distinct point hashes per person: cell i is a point of batch row
    rows[i]'s person (none if null or unkeyed), hashed as hash_views' h1."""
    width = rec.shape[1]
    m = v32.size // 4
    for i in range(m):
        if i + AHEAD < m:
            q = person[rows[i + AHEAD]]
            if q >= 0:
                _prefetch(rec, q * width)
        p = person[rows[i]]
        if p < 0 or (valid.size != 0 and valid[i] == 0):
            continue
        c = np.int64(rec[p, NPOINTS])
        if c >= cap:
            continue
        h = _view_hash(v32, vu8, data, starts, i, seed)[0]
        seen = False
        for k in range(c):
            if rec[p, POINTS + k] == h:
                seen = True
                break
        if not seen:
            rec[p, POINTS + c] = h
            rec[p, NPOINTS] = c + 1


# A person's record: one row of uint64 (one 64-byte cache line with 3 track points), so
# finding or updating a person costs one cache miss after its slot's.
H1, H2, FLAGS, NPOINTS, POINTS = 0, 1, 2, 3, 4
AHEAD = 16


@njit(**_JIT)
def upsert(h1, h2, flags, present, slots, rec, count, person, new_rows):
    """Find or add each present row's person; OR its flags in. Returns (count, new rows).

    `person[i]` gets row i's person number (-1 without a key); `new_rows` the rows that added
    a person, in person-number order. A slot holds its person's number + 1 (0: empty, so
    a fresh table is np.zeros, mapped lazily). The caller keeps `slots` at most half full.
    """
    mask = uint64(slots.size - 1)
    added = 0
    width = rec.shape[1]
    n = h1.size
    for i in range(n):
        # Tables far larger than the caches: a row's slot is asked for 2 * AHEAD rows before
        # it is probed, and the record it points to AHEAD rows before (hints only).
        if i + 2 * AHEAD < n:
            _prefetch(slots, np.int64(h1[i + 2 * AHEAD] & mask))
        if i + AHEAD < n:
            ahead = slots[np.int64(h1[i + AHEAD] & mask)]
            if ahead > 0:
                _prefetch(rec, np.int64(ahead - 1) * width)
        if not present[i]:
            person[i] = -1
            continue
        a = h1[i]
        b = h2[i]
        j = np.int64(a & mask)
        while True:
            p = np.int64(slots[j]) - 1
            if p < 0:
                p = count
                count += 1
                slots[j] = p + 1
                rec[p, H1] = a
                rec[p, H2] = b
                rec[p, FLAGS] = flags[i]
                new_rows[added] = i
                added += 1
                break
            if rec[p, H1] == a and rec[p, H2] == b:
                rec[p, FLAGS] |= uint64(flags[i])
                break
            j = np.int64((uint64(j) + uint64(1)) & mask)
        person[i] = p
    return count, added


@njit(**_JIT)
def rehash(rec, count, slots):
    mask = uint64(slots.size - 1)
    slots[:] = 0
    for p in range(count):
        j = np.int64(rec[p, H1] & mask)
        while slots[j] > 0:
            j = np.int64((uint64(j) + uint64(1)) & mask)
        slots[j] = p + 1
