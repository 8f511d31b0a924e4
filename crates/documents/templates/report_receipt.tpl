# 强制报告回执 [MR], [UPL] 11: the receiving unit confirms a report was received, for the
# reporter. Values: crates/documents/src/reports.rs.
title 强制报告回执
right 编号：{number}
gap 6
cols 2 4 2 4
row | 报告编号 | {receipt} | 接报时间 | {received_at}
row | 涉及儿童 | {child}*3
row | 发生地点 | {place}*3
row 40 | 报告事项 | {situations}*3
gap 8
para {unit}已于{received_at}收到上述报告，已依法受理，将按规定处置并告知处理结果。报告人的身份和报告内容依法保密。
para 报告人可凭报告编号查询办理进度。
seal {unit}（盖章）|{date}
