"""The `xhg` command line. Messages for analysts are Chinese; exit 0 on success."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sys
from pathlib import Path

from pipelines import settings


def _warehouse(args: argparse.Namespace) -> Path:
    from sources.warehouse import default_path

    return Path(args.warehouse) if args.warehouse else default_path()


def cmd_ingest(args: argparse.Namespace) -> int:
    from pipelines.ingest import ingest_flow, unknown_folders

    inbox = Path(args.inbox)
    if not inbox.is_dir():
        print(f"错误：收件目录 {inbox} 不存在", file=sys.stderr)
        return 2
    for name in unknown_folders(inbox):
        print(f"【注意】目录 {name}/ 不是约定的数据目录，其中的文件未处理", file=sys.stderr)

    reports = ingest_flow(str(inbox), str(_warehouse(args)), args.out,
                          report_format="json" if args.json else "text")
    if not args.json:
        _summary(reports)
    return 0


def _summary(reports: list[dict]) -> None:
    if not reports:
        print("没有新文件需要入库。")
        return
    by = {s: sum(1 for r in reports if r["status"] == s) for s in ("loaded", "duplicate", "quarantined")}
    rows = sum(r["loaded"] for r in reports)
    rejected = sum(r["rejected"] for r in reports)
    print(f"共处理 {len(reports)} 个文件：入库 {by['loaded']} 个，内容重复跳过 {by['duplicate']} 个，"
          f"隔离 {by['quarantined']} 个；入库 {rows:,} 行，拒收 {rejected:,} 行。")


def cmd_screen(args: argparse.Namespace) -> int:
    from pipelines import cluster

    as_of = dt.date.fromisoformat(args.as_of) if args.as_of else None
    if args.shards is not None and (not args.dask or args.shards < 1):
        print("错误：--shards 须与 --dask 同用，且至少为 1", file=sys.stderr)
        return 2
    if args.dask:
        try:  # before Prefect starts: a wrong address is told in one line, not a traceback
            target = cluster.parse(args.dask)
            if target.address:
                cluster.api_url_for_workers(target)  # a running cluster needs a Prefect server
            cluster.check(target)
        except cluster.ClusterError as e:
            print(f"错误：{e}", file=sys.stderr)
            return 2
    from pipelines.screen import screen_flow

    try:
        result = screen_flow(str(_warehouse(args)), as_of, args.out, args.config, dask_address=args.dask,
                             dask_shards=args.shards)
    except cluster.ClusterError as e:  # e.g. a remote cluster while Prefect has no server
        print(f"错误：{e}", file=sys.stderr)
        return 2
    print_top(result, args.top)
    return 0


def print_top(result: dict, top: int) -> None:
    """The head of the lead list, as an analyst reads it in the terminal."""
    print(f"数据截至 {result['as_of']:%Y-%m-%d}（{result['week']}）：{result['sites']:,} 处场所，"
          f"{result['evidence']:,} 条异常证据，列出线索 {result['leads']:,} 条。")
    if result["failed_detectors"]:
        print(f"【注意】以下检测器运行失败，结果中缺少其证据：{'、'.join(result['failed_detectors'])}")
    for r in result["top"][:top]:
        print(f"\n{r['排名']:>2}. {r['线索编号']}  风险分 {r['风险分']:.0f}（{r['风险等级']}）  {r['状态']}  "
              f"{r['疑似整治类别']}\n    {r['场所名称']}｜{r['所属乡镇']}｜{r['地址']}\n    {r['主要线索']}")
    print(f"\n线索清单：{result['xlsx']}\n导入用 CSV：{result['csv']}")


def cmd_feedback(args: argparse.Namespace) -> int:
    """A returned lead list: its filled rows become verdicts (outcomes) for the next screening."""
    from sources.load import ingest_file
    from sources.warehouse import Warehouse

    path = Path(args.file).resolve()
    if not path.is_file():
        print(f"错误：文件 {path} 不存在", file=sys.stderr)
        return 2
    wh = Warehouse(_warehouse(args))
    con = wh.connect()
    try:
        report = ingest_file(wh, con, path, path.parent, folder="outcomes")
    finally:
        con.close()
    print(report.line_zh())
    if report.rejected:
        print("（未填写核查结论的行不入库，计入拒收；明细见数据仓库 load_rejects 表）")
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    from data.generator import generate

    as_of = dt.date.fromisoformat(args.as_of) if args.as_of else None
    if (args.blocks is not None or args.jobs != 1) and args.scale != "province":
        print("--blocks 和 --jobs 仅用于 --scale province", file=sys.stderr)
        return 2
    summary = generate(Path(args.outdir), scale=args.scale, seed=args.seed, as_of=as_of,
                       blocks=args.blocks, jobs=args.jobs)
    print(json.dumps(summary, ensure_ascii=False, indent=1, default=str))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from pipelines.demo import run_demo

    return run_demo(Path(args.dir), seed=args.seed, out_dir=args.out)


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--warehouse", help="数据仓库文件（默认 $XHG_WAREHOUSE 或 data/warehouse.duckdb）")
    common.add_argument("--out", default="reports/out", help="输出目录（默认 reports/out）")
    p = argparse.ArgumentParser(prog="xhg", description="非法违法“小化工”大数据排查")
    sub = p.add_subparsers(dest="command", required=True)

    g = sub.add_parser("ingest", parents=[common], help="入库收件目录中的新文件")
    g.add_argument("inbox")
    g.add_argument("--json", action="store_true", help="每个文件输出一行 JSON，供脚本使用")
    g.set_defaults(func=cmd_ingest)

    g = sub.add_parser("screen", parents=[common], help="运行排查，生成本周线索清单")
    g.add_argument("--as-of", help="截止日期 YYYY-MM-DD（默认：最新数据的次日）")
    g.add_argument("--config", help="检测器参数覆盖文件（TOML）")
    g.add_argument("--top", type=int, default=10, help="在屏幕上显示前几条（默认 10）")
    g.add_argument("--dask", metavar="ADDRESS",
                   help="在 Dask 集群上并行运行：车辆停靠按车牌分片、电力与登记检测按区域分片；"
                        "tcp://主机:8786，或 local / local:N（本机 N 个进程）")
    g.add_argument("--shards", type=int, metavar="N",
                   help="与 --dask 同用：分成 N 片（默认每个 worker 一片）")
    g.set_defaults(func=cmd_screen)

    g = sub.add_parser("feedback", parents=[common], help="读入核查人员填回的线索清单")
    g.add_argument("file")
    g.set_defaults(func=cmd_feedback)

    g = sub.add_parser("generate", parents=[common], help="生成一个模拟县的数据（含标注答案）")
    g.add_argument("outdir")
    g.add_argument("--scale", choices=("small", "county", "province"), default="small")
    g.add_argument("--seed", type=int, default=0)
    g.add_argument("--as-of", help="截止日期 YYYY-MM-DD")
    g.add_argument("--blocks", type=int, help="省级规模：只生成前 N 个县区块（默认全部 100 个）")
    g.add_argument("--jobs", type=int, default=1,
                   help="省级规模：同时生成的区块数（每个进程约 1.4 GB 内存；结果与单进程相同）")
    g.set_defaults(func=cmd_generate)

    g = sub.add_parser("demo", parents=[common], help="演示：生成模拟县 → 入库 → 排查")
    g.add_argument("--dir", default="data/work/demo", help="演示数据目录")
    g.add_argument("--seed", type=int, default=7)
    g.set_defaults(func=cmd_demo)
    return p


class _Progress(logging.Handler):
    """Progress lines on whatever sys.stderr is when they are written."""

    def emit(self, record: logging.LogRecord) -> None:
        print(self.format(record), file=sys.stderr, flush=True)


def _show_progress() -> None:
    """The flows' progress lines (logger `xhg`) on stderr, once."""
    logger = logging.getLogger("xhg")
    if not any(isinstance(h, _Progress) for h in logger.handlers):
        handler = _Progress()
        handler.setFormatter(logging.Formatter("[%(asctime)s] %(message)s", "%H:%M:%S"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False  # Prefect's console handler would print each line again


def main(argv: list[str] | None = None) -> int:
    settings.apply()
    args = build_parser().parse_args(argv)
    _show_progress()
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
