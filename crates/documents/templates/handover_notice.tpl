# 移交通知书 [S] 二(二), [G14]: after the emergency disposal the police notify the township
# (street office) and hand the child's case over, listing what was done.
# Values: crates/documents/src/reports.rs.
title 移交通知书
right 编号：{number}
gap 6
left {township}：
para 本单位于{received_at}接到关于以下儿童的报告（报告编号 {receipt}），已出警并依法进行应急处置。根据《天津市农村留守儿童关爱保护工作实施意见》，现将处置情况通知你单位，请组织开展调查评估并落实帮扶措施。
cols 2 4 2 4
row | 涉及儿童 | {child}*3
row | 发生地点 | {place}*3
row 40 | 报告事项 | {situations}*3
gap 6
cols 3 2 7
row | 时间 | 措施 | 说明
each actions
row | {at} | {kind} | {detail}
end
gap 8
sign 移交人签字：|接收人签字：
seal {unit}（盖章）|{date}
