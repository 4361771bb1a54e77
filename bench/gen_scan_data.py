"""Generate the scanner benchmark dataset: N rows of Chinese customer records as Parquet.

Columns: name, id_number, phone, email, bank_card, address, plate, ip, gps, note (free text).
Rows belong to a pool of persons (rows / 5 by default) so that deduplication has work to do;
values are genuine in shape (valid ID check digits, Luhn-valid UnionPay cards, allocated mobile
prefixes); about 5% of cells are empty and some are masked. The free-text column mixes plain
remarks with sentences holding phones, IDs and names. Vectorised with NumPy and Polars: 10M rows
take about a minute. The data stays in bench/data/ (gitignored).

    python bench/gen_scan_data.py --rows 10000000 --out bench/data/scan-10m.parquet
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow.parquet as pq

AREAS = ["110105", "110108", "310101", "310115", "440305", "440106", "330106", "320102",
         "510104", "420102", "610103", "370202", "210102", "500103", "620102", "650102"]
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国文辉鑫宇浩")
PREFIXES = ["138", "139", "135", "150", "186", "177", "199", "166", "191", "188"]
PROVINCES = list("京沪粤浙苏川鄂陕鲁辽渝甘新")
PLATE_CHARS = list("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789")
CITIES = ["北京市朝阳区", "上海市浦东新区", "广东省深圳市南山区", "浙江省杭州市西湖区",
          "江苏省南京市玄武区", "四川省成都市武侯区", "湖北省武汉市江岸区"]
ROADS = ["建国路", "人民路", "中山路", "解放路", "科技园路", "文一西路", "天府大道"]
REMARKS = ["客户要求尽快发货", "已电话回访，客户满意", "包装破损，申请退货", "无", "",
           "系统自动创建", "请周末配送", "发票已开具，金额1234.56元"]


def _digits(rng: np.random.Generator, n: int, k: int) -> np.ndarray:
    return rng.integers(0, 10, size=(n, k), dtype=np.int64)


def _join_digits(d: np.ndarray) -> pl.Series:
    chars = (d + 48).astype(np.uint8)
    raw = chars.tobytes()
    width = d.shape[1]
    return pl.Series([raw[i * width:(i + 1) * width].decode() for i in range(d.shape[0])])


def person_table(n: int, seed: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    area = np.array([[int(c) for c in a] for a in AREAS])[rng.integers(0, len(AREAS), n)]
    born = np.datetime64("1940-01-01") + rng.integers(0, 80 * 365, n).astype("timedelta64[D]")
    ymd = np.array([list(d.astype(str).replace("-", "")) for d in born.astype("datetime64[D]")],
                   dtype=np.int64)
    body = np.concatenate([area, ymd, _digits(rng, n, 3)], axis=1)
    weights = np.array([pow(2, 17 - i, 11) for i in range(17)])
    check_char = np.array(list("10X98765432"))[(body * weights).sum(axis=1) % 11]
    rid = _join_digits(body) + pl.Series(check_char)

    phone = pl.Series(np.array(PREFIXES)[rng.integers(0, len(PREFIXES), n)]) + _join_digits(
        _digits(rng, n, 8))
    card_body = np.concatenate([np.tile([6, 2, 2, 2, 0, 2], (n, 1)), _digits(rng, n, 12)], axis=1)
    doubled = card_body[:, ::-1].copy()
    doubled[:, ::2] = doubled[:, ::2] * 2
    doubled[doubled > 9] -= 9
    luhn_check = (10 - doubled.sum(axis=1) % 10) % 10
    card = _join_digits(np.concatenate([card_body, luhn_check[:, None]], axis=1))
    name = (pl.Series(np.array(SURNAMES)[rng.integers(0, len(SURNAMES), n)])
            + pl.Series(np.array(GIVEN)[rng.integers(0, len(GIVEN), n)])
            + pl.Series(np.where(rng.random(n) < 0.6,
                                 np.array(GIVEN)[rng.integers(0, len(GIVEN), n)], "")))
    plate = (pl.Series(np.array(PROVINCES)[rng.integers(0, len(PROVINCES), n)])
             + pl.Series(np.array(list("ABCDEFG"))[rng.integers(0, 7, n)])
             + pl.Series(["".join(r) for r in np.array(PLATE_CHARS)[
                 rng.integers(0, len(PLATE_CHARS), (n, 5))]]))
    address = (pl.Series(np.array(CITIES)[rng.integers(0, len(CITIES), n)])
               + pl.Series(np.array(ROADS)[rng.integers(0, len(ROADS), n)])
               + pl.Series(rng.integers(1, 999, n)).cast(pl.Utf8) + "号")
    return pl.DataFrame({
        "pid": np.arange(n), "name": name, "id_number": rid, "phone": phone,
        "email": "user" + pl.Series(np.arange(n)).cast(pl.Utf8) + "@example.com",
        "bank_card": card, "address": address, "plate": plate,
    })


def rows_chunk(persons: pl.DataFrame, n: int, rng: np.random.Generator) -> pl.DataFrame:
    pick = rng.integers(0, persons.height, n)
    frame = persons[pick]
    ip = pl.Series([".".join(map(str, r)) for r in rng.integers(1, 255, (n, 4))])
    gps = (pl.Series(rng.uniform(22, 41, n)).round(6).cast(pl.Utf8) + ","
           + pl.Series(rng.uniform(100, 122, n)).round(6).cast(pl.Utf8))
    kind = rng.integers(0, 10, n)
    remark = pl.Series(np.array(REMARKS)[rng.integers(0, len(REMARKS), n)])
    frame = frame.with_columns(ip=ip, gps=gps, kind=pl.Series(kind), remark=remark)
    note = (
        pl.when(pl.col("kind") == 0).then("客户" + pl.col("name") + "来电，手机" + pl.col("phone"))
        .when(pl.col("kind") == 1).then("核验身份证" + pl.col("id_number") + "通过")
        .when(pl.col("kind") == 2).then(pl.col("name") + "先生要求退款到卡号" + pl.col("bank_card"))
        .when(pl.col("kind") == 3).then("收货地址：" + pl.col("address") + "，电话" + pl.col("phone"))
        .when(pl.col("kind") == 4).then("手机" + pl.col("phone").str.slice(0, 3) + "****"
                                        + pl.col("phone").str.slice(7, 4) + "的用户已注销")
        .otherwise(pl.col("remark"))
    )
    empty = pl.Series(rng.random(n) < 0.05)
    out = frame.with_columns(note=note, empty=empty).select(
        *[pl.when(pl.col("empty")).then(None).otherwise(pl.col(c)).alias(c)
          for c in ("name", "id_number", "phone", "email", "bank_card", "address", "plate",
                    "ip", "gps")],
        "note",
    )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--persons", type=int, default=None)
    parser.add_argument("--out", type=Path, default=Path("bench/data/scan-10m.parquet"))
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    start = time.perf_counter()
    persons = person_table(args.persons or max(args.rows // 5, 1), args.seed)
    rng = np.random.default_rng(args.seed + 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    writer = None
    chunk = 1_000_000
    for done in range(0, args.rows, chunk):
        frame = rows_chunk(persons, min(chunk, args.rows - done), rng).to_arrow()
        if writer is None:
            writer = pq.ParquetWriter(args.out, frame.schema, compression="zstd")
        writer.write_table(frame, row_group_size=chunk)
    if writer is not None:
        writer.close()
    print(f"wrote {args.rows:,} rows ({persons.height:,} persons) to {args.out} "
          f"in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
