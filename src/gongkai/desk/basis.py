"""Legal bases quoted in explanations (user-facing, Chinese).

Quotations of 《中华人民共和国政府信息公开条例》(国务院令第711号) are the article's own words. The 信息处理费 and
e-mail rules are summaries of 国办函〔2020〕109号 and 国办公开办函〔2015〕207号 as statute.md records them, and say so;
rules that no text settles are marked “本机关配置”.
"""

from __future__ import annotations

START_DAY = "开始的当日不计入，自次日起计算"

REPLY = "第三十三条第二款：行政机关不能当场答复的，应当自收到申请之日起20个工作日内予以答复"
EXTENSION = (
    "第三十三条第二款：需要延长答复期限的，应当经政府信息公开工作机构负责人同意并告知申请人，"
    "延长的期限最长不得超过20个工作日"
)
PAUSE = "第三十三条第三款：行政机关征求第三方和其他机关意见所需时间不计算在前款规定的期限内"
THIRD_PARTY = PAUSE + "（第三十二条：书面征求第三方的意见，第三方应当自收到征求意见书之日起15个工作日内提出意见）"
OTHER_AGENCY = PAUSE + "（第三十四条：征求相关行政机关的意见，被征求意见机关应当自收到征求意见书之日起15个工作日内提出意见）"
RESTART = "第三十条：答复期限自行政机关收到补正的申请之日起计算"
CORRECTION_NOTICE = (
    "第三十条：政府信息公开申请内容不明确的，行政机关应当给予指导和释明，并自收到申请之日起7个工作日内"
    "一次性告知申请人作出补正，说明需要补正的事项和合理的补正期限"
)
FEE_PAYMENT = "国办函〔2020〕109号（摘要）：申请人自收到收费通知的次日起20个工作日内缴纳信息处理费，逾期未缴纳的视为放弃申请"
FEE_PAUSE = "等待申请人缴纳信息处理费的期间不计入答复期限（本机关配置；条例和国办函〔2020〕109号均未明确规定）"

RECEIVED_IN_PERSON = "第三十一条第一项：申请人当面提交政府信息公开申请的，以提交之日为收到申请之日"
RECEIVED_POST = "第三十一条第二项：申请人以邮寄方式提交政府信息公开申请的，以行政机关签收之日为收到申请之日"
RECEIVED_LETTER = (
    "第三十一条第二项：以平常信函等无需签收的邮寄方式提交政府信息公开申请的，政府信息公开工作机构应当于收到申请的当日"
    "与申请人确认，确认之日为收到申请之日"
)
RECEIVED_ONLINE = (
    "第三十一条第三项：申请人通过互联网渠道或者政府信息公开工作机构的传真提交政府信息公开申请的，"
    "以双方确认之日为收到申请之日"
)
RECEIVED_EMAIL_SYSTEM = "国办公开办函〔2015〕207号（摘要）：以电子邮件提交的，以电子邮件系统收到之日为收到申请之日（本机关配置）"
RECEIVED_EMAIL_CONFIRMED = RECEIVED_ONLINE + "（电子邮件按互联网渠道处理，本机关配置）"
RECEIVED_UNSPECIFIED = "第三十一条：收到申请之日（未指定提交方式）"
