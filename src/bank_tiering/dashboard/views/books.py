"""我的客户: relationship managers' books (名下客户, METHODOLOGY.md §14) in the user's scope.

An RM sees the own book of the period: each customer's assessed and service tier, AUM,
contribution, the owner's status and the worklists the customer is on. A branch or bank
user sees the books of the RMs of the scope side by side (customers, AUM, contribution,
on watch; by market and service tier), one RM's book on request, and the handover list
(待交接客户). Every table downloads as CSV and Excel, in the scope.
"""

import streamlit as st

from bank_tiering.dashboard import charts, queries
from bank_tiering.dashboard import formatting as fmt
from bank_tiering.dashboard.common import describe_filters, page, page_caption, pager
from bank_tiering.dashboard.downloads import Column, offer
from bank_tiering.dashboard.tables import Table
from bank_tiering.dashboard.worklists import list_spec, worklist_columns

BOOK_COLUMNS = [
    Column("customer_id", "客户号"), Column("branch_id", "机构"), Column("market_label", "市场"),
    Column("tier_label", "评定分层"), Column("service_tier_label", "服务等级"),
    Column("avg_aum", "月日均金融资产（元）", "money"),
    Column("contribution", "利润贡献度（元）", "money"), Column("is_on_watch", "保级关注", "flag"),
    Column("rm_id", "客户经理编号"), Column("rm_name", "客户经理"),
    Column("rm_status_label", "客户经理状态"), Column("worklists", "所在工作清单"),
]
BOOKS_COLUMNS = [
    Column("rm_id", "客户经理编号"), Column("rm_name", "客户经理"),
    Column("rm_branch_id", "所属机构"), Column("rm_status_label", "状态"),
    Column("customers", "客户数（户）", "int"), Column("aum", "月日均金融资产（元）", "money"),
    Column("contribution", "利润贡献度（元）", "money"),
    Column("on_watch", "保级关注客户（户）", "int"),
]
MIX_COLUMNS = [
    Column("rm_id", "客户经理编号"), Column("rm_name", "客户经理"), Column("market_label", "市场"),
    Column("service_tier_label", "服务等级"), Column("customers", "客户数（户）", "int"),
    Column("aum", "月日均金融资产（元）", "money"),
    Column("contribution", "利润贡献度（元）", "money"),
    Column("on_watch", "保级关注客户（户）", "int"),
]


def show_book(book) -> None:
    table = Table().text("客户号", book["customer_id"]).text("机构", book["branch_id"])
    table.text("市场", book["market_label"]).text("评定分层", book["tier_label"])
    table.text("服务等级", book["service_tier_label"])
    table.money("月日均金融资产", book["avg_aum"])
    table.money("利润贡献度", book["contribution"])
    table.text("保级关注", ["是" if v else "" for v in book["is_on_watch"]], empty="")
    table.text("客户经理状态", book["rm_status_label"])
    table.text("所在工作清单", [v or "—" for v in book["worklists"]])
    table.show()


def rm_summary(book) -> None:
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("名下客户数", f"{fmt.count(len(book))}户")
    c2.metric("金融资产（月日均）", fmt.amount(book["avg_aum"].sum()) or "0.00元")
    c3.metric("利润贡献度", fmt.amount(book["contribution"].sum()) or "0.00元")
    c4.metric("保级关注", f"{fmt.count(int(book['is_on_watch'].sum()))}户")


def books_side_by_side(books, mix, scope, filters) -> None:
    """The RMs' books of a branch or the bank: one line per RM, the chart, the mix."""
    st.subheader("客户经理名下客户对比")
    offer("客户经理名下客户对比", "rm_books", filters.period,
          lambda c: queries.rm_books(c, scope, filters), BOOKS_COLUMNS)
    table = Table().text("客户经理", [fmt.owner(i, n) for i, n in zip(
        books["rm_id"], books["rm_name"], strict=True)])
    table.text("所属机构", books["rm_branch_id"]).text("状态", books["rm_status_label"])
    table.count("客户数", books["customers"])
    table.money("月日均金融资产", books["aum"])
    table.money("利润贡献度", books["contribution"])
    table.count("保级关注客户", books["on_watch"])
    table.show()
    if mix.empty:
        return
    st.altair_chart(charts.rm_books(mix), width="stretch")
    st.subheader("按市场和服务等级（户）")
    offer("按市场和服务等级", "rm_book_mix", filters.period,
          lambda c: queries.rm_book_mix(c, scope, filters), MIX_COLUMNS)
    tiers = mix["market_label"].str[:2] + "·" + mix["service_tier_label"]
    pivot = mix.assign(tier=tiers).pivot_table(
        index=["rm_id", "rm_name"], columns="tier", values="customers", aggfunc="sum",
        fill_value=0, sort=False)
    pivot = pivot[[f"{m[:2]}·{t}" for m, t in mix.attrs["tiers"]]]  # the methodology's order
    table = Table().text("客户经理", [fmt.owner(i, n) for i, n in pivot.index])
    for tier in pivot.columns:
        table.count(tier, pivot[tier])
    table.show()
    st.caption("每位客户经理名下各市场、服务等级的客户数；金融资产、贡献度和保级关注客户数见下载。")

with page("我的客户") as (con, scope, filters):
    st.caption(describe_filters(scope, filters) + "（名下客户 = 期末归属该客户经理的客户）")
    if scope.kind == "rm":
        book = queries.rm_book(con, scope, filters)
        rm_summary(book)
        st.subheader(f"名下客户（{fmt.count(len(book))}户）")
        if book.empty:
            st.info("您在该期间没有名下客户。")
        else:
            offer("名下客户", "book", filters.period,
                  lambda c: queries.rm_book(c, scope, filters), BOOK_COLUMNS)
            show_book(book)
    else:
        books = queries.rm_books(con, scope, filters)
        if books.empty:
            st.info("所选范围在该期间没有客户。")
        else:
            books_side_by_side(books, queries.rm_book_mix(con, scope, filters), scope, filters)
        owners = [r for r in books["rm_id"] if not fmt.missing(r)]
        names = dict(zip(books["rm_id"], books["rm_name"], strict=True))
        if owners:
            st.subheader("客户经理名下客户")
            chosen = st.selectbox("客户经理", owners, key="books_rm",
                                  format_func=lambda r: fmt.owner(r, names.get(r)))
            book = queries.rm_book(con, scope, filters, chosen)
            rm_summary(book)
            offer(f"{fmt.owner(chosen, names.get(chosen))}名下客户", "book", filters.period,
                  lambda c: queries.rm_book(c, scope, filters, chosen), BOOK_COLUMNS)
            show_book(book)
    spec = list_spec("handover")
    total = int(queries.worklist_counts(con, scope, filters).set_index("list_code")
                ["customers"].get("handover", 0))
    st.subheader(f"待交接客户（{fmt.count(total)}户）")
    st.caption("服务等级为重点分层，且客户经理已离职、无客户经理或即将离职的客户。")
    offset, size = pager(total, "books_handover_page")
    handover = queries.worklist_rows(con, scope, filters, "handover", limit=size,
                                     offset=offset)

if handover.empty:
    st.info("所选范围在该期间没有待交接客户。")
else:
    offer("待交接客户", "handover", filters.period,
          lambda c: queries.worklist_rows(c, scope, filters, "handover", limit=None),
          worklist_columns(spec))
    table = Table().text("机构", handover["branch_id"])
    table.count("优先级", handover["priority"], unit="位")
    table.text("客户号", handover["customer_id"])
    table.text("服务等级", handover["service_tier_label"])
    table.money("月日均金融资产", handover["avg_aum"])
    table.text("客户经理", [fmt.owner(i, n) for i, n in zip(
        handover["rm_id"], handover["rm_name"], strict=True)])
    table.text("客户经理状态", handover["rm_status_label"])
    table.number(spec.gap, handover["gap"], "天", digits=0)
    table.show()
    page_caption(offset, len(handover), total)
