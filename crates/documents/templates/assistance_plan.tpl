# 帮扶计划 [S] 二(四): the plan the assessment leads to: the services (care services of the
# mass organisations, professional services bought from social-work agencies) and the
# referrals to social assistance, with their state; signatures of the carer, the child
# director and the case's officers. Values: crates/documents/src/casework.rs.
title 帮扶计划
split 案件编号：{case_no}|编号：{number}
gap 6
cols 2 4 2 4
row | 儿童姓名 | {child} | 风险等级 | {risk}
row | 所在村（居） | {village}*3
gap 8
left 一、帮扶服务
cols 1.2 2.4 3.2 3.6 3.6 1.8 4.8
row | 序号 | 服务内容 | 服务方式 | 服务提供方 | 开始日期 | 状态 | 服务成效
each services
row | {n} | {kind} | {way} | {provider} | {start} | {status} | {outcome}
end
gap 8
left 二、社会救助转介
cols 1.2 3.6 3.6 3.6 2 6
row | 序号 | 救助项目 | 接收单位 | 转介日期 | 状态 | 说明
each referrals
row | {n} | {kind} | {org} | {sent} | {state} | {note}
end
gap 6
para 本计划由乡镇人民政府（街道办事处）会同民政部门组织实施，村（居）民委员会、学校协助落实；儿童主任定期走访，跟踪帮扶效果，情况变化时及时调整计划。
gap 10
sign 监护人（照护人）签字：|儿童主任签字：
sign 经办人签字：|负责人签字：
seal {unit}（盖章）|{date}
