"""Validation errors of the input schemas in Chinese, for the API's 422 answers and the command line.

pydantic's messages are English; a clerk reads 「所需信息」不能为空. Each error becomes one line naming the
field (by its Chinese label when known) and what is wrong with it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

FIELD_LABELS: dict[str, str] = {
    "applicant": "申请人",
    "type": "类型",
    "name": "姓名或者名称",
    "id_document_type": "身份证明类型",
    "id_document": "身份证明号码",
    "phone": "联系电话",
    "email": "电子邮箱",
    "address": "通讯地址",
    "channel": "提交方式",
    "handed_in": "提交之日",
    "signed_for": "签收之日",
    "arrived": "信件到达之日",
    "confirmed": "确认之日",
    "system_received": "电子邮件系统收到之日",
    "received": "收到申请之日",
    "information": "所需信息",
    "form_wanted": "提供形式",
    "delivery": "获取方式",
    "note": "备注",
    "actor": "经办人",
    "kind": "类别",
    "occurred_on": "日期",
    "approver": "批准人",
    "days": "延长工作日数",
    "fee_method": "计收方式",
    "pages": "页数",
    "prior_this_month": "本月已申请件数",
    "units": "件数",
    "applicant_received_on": "申请人收到之日",
    "amount": "金额",
    "outcome": "办理结果",
    "closed_on": "办结日期",
    "filed_on": "提起日期",
    "application_id": "申请",
    "decided_on": "审结日期",
    "case_number": "案号",
    "body": "复议机关或者法院",
    "title": "标题",
    "category": "第二十条类别",
    "local_category": "第二十一条类别",
    "document_number": "文号",
    "formed_on": "形成之日",
    "step": "审查环节",
    "reviewer": "审查人",
    "decided_at": "审查时间",
    "decision": "审查意见",
    "comment": "意见说明",
    "published_on": "公开日期",
    "channels": "公开渠道",
    "url": "网址",
    "issued_on": "制发日期",
    "repealed_on": "废止日期",
    "year": "年度",
    "item": "事项",
    "decisions": "数量",
    "expected_version": "版本号",
    "fields": "文书字段",
    "agency_id": "机关编号",
    "item_id": "事项编号",
    "appeal_id": "案件编号",
    "document_id": "文件编号",
    "notice_id": "文书编号",
    "working_days": "工作日数",
    "today": "今日",
    "corrected": "收到补正申请之日",
    "pause": "征求意见期间",
    "extend": "延长",
    "format": "格式",
    "file": "文件",
    "cell_id": "单元格编号",
    "code": "申请编号",
}
_WHERE = {"body": "请求内容", "query": "查询参数", "path": "路径", "header": "请求头", "cookie": "Cookie"}


def field_label(loc: Sequence[Any]) -> str:
    """「申请人.姓名或者名称」 from ``("body", "applicant", "name")``."""
    parts = [str(p) for p in loc if not isinstance(p, int)]
    if parts and parts[0] in _WHERE and len(parts) > 1:
        parts = parts[1:]
    elif parts and parts[0] in _WHERE:
        return _WHERE[parts[0]]
    return ".".join(FIELD_LABELS.get(p, p) for p in parts) or "输入"


def _allowed(ctx: Mapping[str, Any]) -> str:
    expected = str(ctx.get("expected", ""))
    return expected.replace("' or '", "、").replace("', '", "、").replace("'", "")


def problem(error: Mapping[str, Any]) -> str:
    """What is wrong, in Chinese, for one pydantic error (``{"type": …, "ctx": …}``)."""
    kind = str(error.get("type", ""))
    ctx: Mapping[str, Any] = error.get("ctx") or {}
    simple = {
        "missing": "不能缺少",
        "extra_forbidden": "不是可用的字段",
        "int_parsing": "应为整数",
        "int_type": "应为整数",
        "int_from_float": "应为整数",
        "float_parsing": "应为数字",
        "decimal_parsing": "应为数字",
        "decimal_type": "应为数字",
        "bool_parsing": "应为 true 或 false",
        "bool_type": "应为 true 或 false",
        "string_type": "应为文字",
        "date_parsing": "应为日期（YYYY-MM-DD）",
        "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
        "date_from_datetime_inexact": "应为日期（YYYY-MM-DD），不含时间",
        "date_type": "应为日期（YYYY-MM-DD）",
        "datetime_parsing": "应为日期时间（YYYY-MM-DDTHH:MM:SS）",
        "datetime_from_date_parsing": "应为日期时间（YYYY-MM-DDTHH:MM:SS）",
        "datetime_type": "应为日期时间（YYYY-MM-DDTHH:MM:SS）",
        "model_type": "应为对象",
        "model_attributes_type": "应为对象",
        "dict_type": "应为对象",
        "list_type": "应为列表",
        "tuple_type": "应为列表",
        "json_invalid": "不是有效的 JSON",
        "finite_number": "应为有限的数字",
        "value_error": str(ctx.get("error", "取值无效")),
        "assertion_error": str(ctx.get("error", "取值无效")),
    }
    if kind in simple:
        return simple[kind]
    if kind == "enum" or kind == "literal_error":
        return f"取值应为：{_allowed(ctx)}"
    if kind == "string_too_short":
        return "不能为空" if ctx.get("min_length") in (1, None) else f"至少 {ctx.get('min_length')} 个字"
    if kind == "string_too_long":
        return f"不能超过 {ctx.get('max_length')} 个字"
    if kind in ("too_short",):
        return f"至少要有 {ctx.get('min_length')} 项"
    if kind in ("too_long",):
        return f"最多 {ctx.get('max_length')} 项"
    if kind == "greater_than_equal":
        return f"不能小于 {ctx.get('ge')}"
    if kind == "greater_than":
        return f"应大于 {ctx.get('gt')}"
    if kind == "less_than_equal":
        return f"不能大于 {ctx.get('le')}"
    if kind == "less_than":
        return f"应小于 {ctx.get('lt')}"
    if kind.startswith("decimal_"):
        return "金额的位数或小数位数超出范围"
    return "取值无效"


def message(error: Mapping[str, Any]) -> str:
    return f"「{field_label(error.get('loc', ()))}」{problem(error)}"


def messages(errors: Iterable[Mapping[str, Any]]) -> list[str]:
    return [message(e) for e in errors]


__all__ = ["FIELD_LABELS", "field_label", "message", "messages", "problem"]
