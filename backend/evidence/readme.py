"""README-验证说明.txt: how to verify the package, with the verifier or by hand (in Chinese)."""
from __future__ import annotations

FILE_NAME = "README-验证说明.txt"
VERIFIER_FILE = "tools/verify.py"

_TEXT = """\
电子证据包验证说明
==================

案号：{case_number}
本证据包按 BagIt 1.0（RFC 8493）格式组织，压缩为一个 ZIP 文件，解压后为目录 {base}/。
格式的完整说明见平台文档 docs/evidence-package.md（ssgk-evidence-package/1）。

一、目录内容
  bagit.txt                     BagIt 声明
  data/media/                   现场采集的照片、录音、录像原件（文件名为其 SHA-256 值），逐字节未改动
  data/signatures/              签名图像原件
  data/documents/               现场笔录、电子数据清单、涉嫌犯罪案件移送书、调查报告、涉案物品清单（PDF）
  data/custody/custody-log.json 每项电子数据从设备采集到本次导出的保管链
  data/audit/checkpoint.json    平台审计日志的签名检查点（Ed25519）
  data/audit/proofs.json        相关审计条目的默克尔包含证明（RFC 9162）
  manifest-sha256.txt           data/ 下每个文件的 SHA-256 值
  manifest-sm3.txt              data/ 下每个文件的 SM3 值（GB/T 32905-2016）
  bag-info.txt                  证据包信息（案号、生成日期、Payload-Oxum 等）
  tagmanifest-sha256.txt        上述清单文件、bag-info.txt、本说明等的 SHA-256 值
  tagmanifest-sm3.txt           同上，SM3 值
  signature/public-key.txt      签名公钥（Ed25519）及其密钥标识 Key-Id
  signature/tagmanifest-sha256.txt.sig   对 tagmanifest-sha256.txt 的 Ed25519 签名（64 字节）
  tools/verify.py               验证程序（与平台提供的相同）

签名覆盖 tagmanifest-sha256.txt，该文件列出两个清单文件的哈希，清单文件又列出 data/ 下每个文件
的哈希，因此签名间接覆盖全部内容。签名文件本身和两个 tagmanifest 文件不在任何清单中（BagIt 规定
tagmanifest 不列出彼此）。请向平台运营方核实公钥的密钥标识（Key-Id），不要只相信包内的公钥。

二、用验证程序验证（推荐）
  需要 Python 3.9 或更高版本和 cryptography 库（pip install cryptography），不需要联网。
  先按第三节第 3 步核对签名，确认 tools/verify.py 未被改动，或使用平台单独提供的 verify.py：

    python3 tools/verify.py 证据包.zip --trusted-key 平台公布的公钥（base64）

  程序逐项检查：BagIt 声明；data/ 下每个文件与 SHA-256、SM3 两个清单是否一致，有无缺失或多余；
  Payload-Oxum；两个 tagmanifest；签名；每项电子数据的保管链（按时间排列，第一项为设备采集，
  最后一项为本次导出，哈希与清单一致）；审计条目的包含证明与检查点签名。
  全部通过时输出“验证通过 VALID”，退出码为 0；任何不符都会指出具体文件，退出码为 1。

三、手工验证
  1. 解压并进入目录：
       unzip 证据包.zip && cd {base}
  2. 核对 SHA-256（Linux 的 coreutils）：
       sha256sum -c manifest-sha256.txt
       sha256sum -c tagmanifest-sha256.txt
     每行应显示“成功”或“OK”。
  3. 核对签名（OpenSSL 3.0 或更高版本）：
       openssl pkeyutl -verify -pubin -inkey signature/public-key.txt -rawin \\
         -in tagmanifest-sha256.txt -sigfile signature/tagmanifest-sha256.txt.sig
     应显示“Signature Verified Successfully”。再将 signature/public-key.txt 中的 Key-Id
     与平台公布的密钥标识核对。
  4. 核对 SM3（OpenSSL 3.0 或更高版本）：
       while read -r h f; do
         [ "$(openssl dgst -sm3 -r "$f" | cut -d' ' -f1)" = "$h" ] && echo "OK $f" || echo "不符 $f"
       done < manifest-sm3.txt
     使用 GmSSL 时，以 gmssl sm3 -in 文件 计算同一文件的 SM3 值（十六进制）并与清单比对。
     tagmanifest-sm3.txt 可用同样方法核对。
  5. 核对 Payload-Oxum：bag-info.txt 中 Payload-Oxum 为“字节总数.文件数”，应等于 data/ 下
     全部文件的大小之和与文件个数。
  6. 审计证明：按 docs/audit-log.md 第 6 节，用 proofs.json 中每个条目的 8 个字段计算叶哈希，
     沿 proof 计算到根，应等于 checkpoint.json 中的 root_hash；检查点正文的签名用其中的公钥验证。
     保管链中每个平台事件的 payload 按规范 JSON 计算的 SHA-256 应等于对应审计条目的
     payload_sha256。此步骤较繁琐，建议使用验证程序。

四、注意
  - 原件文件名即其 SHA-256 值，复制、刻录后仍可随时用 sha256sum 核对。
  - 文档中的时间为北京时间；保管链与审计日志中的时间为 UTC（以 Z 结尾）。
  - GPS 坐标为设备记录的 WGS-84 坐标，在国内地图上显示前需转换为 GCJ-02。
"""


def text(case_number: str, base: str) -> bytes:
    return _TEXT.format(case_number=case_number, base=base).encode("utf-8")
