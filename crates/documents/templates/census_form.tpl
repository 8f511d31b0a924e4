# 农村留守儿童信息登记表: one child's file in the layout of the 2016 census registration
# form (民发〔2016〕42号 附件 [M16]): the child, the grandparents, the parents, the
# guardianship facts and type, income and assistance, and the four sign-offs.
# Values: crates/documents/src/census.rs. ☑ marks a chosen box, □ an unchosen one.
title 农村留守儿童信息登记表
split 填报单位：{unit}|编号：{number}
left 所在村（居）：{village}
gap 4
cols 1 1 1 1 1 1 1 1 1 1 1 1
row 17 | 一、儿童基本情况*12
row | 姓名*2 | {name}*2 | 性别 | {sex} | 民族 | {ethnicity} | 出生日期*2 | {birth_date}*2
row | 身份证号码*2 | {id_number}*4 | 是否登记户口*2 | {hukou_registered}*4
row | 户籍所在地*2 | {hukou_place}*6 | 农村户籍*2 | {rural_hukou}*2
row | 现居住地址*2 | {address}*10
row | 健康状况*2 | {health}*10
row | 就学情况*2 | {schooling}*6 | 是否寄宿*2 | {boarding}*2
row | 就读学校*2 | {school_name}*10
row 17 | 二、祖父母及外祖父母情况*12
row | 称谓*2 | 姓名*2 | 出生日期*2 | 称谓*2 | 姓名*2 | 出生日期*2
row | 祖父*2 | {pgf_name}*2 | {pgf_birth}*2 | 祖母*2 | {pgm_name}*2 | {pgm_birth}*2
row | 外祖父*2 | {mgf_name}*2 | {mgf_birth}*2 | 外祖母*2 | {mgm_name}*2 | {mgm_birth}*2
row 17 | 三、父母情况*12
row | 称谓 | 姓名*2 | 出生日期*2 | 身份证号码*3 | 务工地（省、地市）*2 | 联系电话*2
row | 父亲 | {father_name}*2 | {father_birth}*2 | {father_id}*3 | {father_work}*2 | {father_phone}*2
row | 母亲 | {mother_name}*2 | {mother_birth}*2 | {mother_id}*3 | {mother_work}*2 | {mother_phone}*2
row | 是否外出务工*3 | {away}*9
row | 有无监护能力（重病、重残者无）*3 | {capable}*9
row 17 | 四、监护情况*12
row | 是否有受委托监护人*3 | {has_entrusted}*2 | 与儿童关系*2 | {e_relation}*2 | 联系电话 | {e_phone}*2
row | 受委托监护人姓名*3 | {e_name}*2 | 身份证号码*2 | {e_id}*5
row | 受委托监护人住址*3 | {e_address}*9
row | 监护类型*2 | {guardianship}*10
row 17 | 五、家庭经济情况*12
row | 家庭收入来源*2 | {income}*10
row | 获得救助情况*2 | {assistance}*10
row 26 | 备注*2 | {notes}*10
gap 6
sign 单位负责人：|审核人：|填表人：
right 填表日期：{date}
