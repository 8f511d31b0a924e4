# 委托监护确认书 [UPL] 22–23, [M19]: the parents entrust the child's care to the carer, the
# carer's duties and the parents' remaining ones, signed by both and by the child director
# who guided them. Values: crates/documents/src/entrusted.rs.
title 委托监护确认书
right 编号：{number}
gap 6
cols 2 3 2 5
row | 委托人（父亲） | {father_name} | 联系电话 | {father_phone}
row | 委托人（母亲） | {mother_name} | 联系电话 | {mother_phone}
row | 受委托人 | {carer_name} | 联系电话 | {carer_phone}
row | 与儿童关系 | {carer_relation} | 受委托人住址 | {carer_address}
row | 被监护儿童 | {child_name} | 性别、出生日期 | {child_sex}　{child_birth}
row | 儿童现居住地址 | {child_address}*3
row | 就读学校 | {school}*3
gap 8
para 因父母{away}外出务工，依照《中华人民共和国未成年人保护法》第二十二条、第二十三条，委托人将上述儿童委托受委托人照护，自{since}起，至委托人返回或者另行委托时止。
para 受委托人确认：本人已年满十八周岁，具有完全民事行为能力和照护能力；本人没有性侵害、出卖、遗弃、虐待、暴力伤害等违法犯罪行为，没有吸毒、酗酒、赌博等恶习，没有曾拒不履行或者长期怠于履行监护、照护职责的情形。
para 受委托人承诺：妥善照护儿童的生活、学习和安全，保障儿童按时入学、接受并完成义务教育，不让未满八周岁或者需要特别照顾的儿童处于无人看护状态，不让儿童脱离监护单独居住生活；儿童遇到危险、受到侵害或者走失时，立即报告公安机关并告知委托人和村（居）民委员会。
para 委托人承诺：将委托照护情况书面告知儿童就读的学校、幼儿园和实际居住地的村（居）民委员会；每周至少与儿童和受委托人联系一次，了解儿童的生活、学习和心理状况；依法履行抚养、教育和保护儿童的责任，委托照护不免除委托人的监护职责。
para 书面告知情况：学校、幼儿园 {school_notice}；村（居）民委员会 {village_notice}。
gap 14
sign 委托人（父亲）签字：|委托人（母亲）签字：
sign 受委托人签字：|儿童主任（见证人）签字：
gap 6
seal {village_committee}|{date}
