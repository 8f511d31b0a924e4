//! The census lists ([M16]) and our own: each a closed enum with a stable code (stored, sent
//! in the API) and a Chinese label (shown, and matched on import).

/// A closed list with stable codes and Chinese labels.
pub trait CodeList: Sized + Copy + 'static {
    fn all() -> &'static [Self];
    fn code(self) -> &'static str;
    fn label(self) -> &'static str;

    /// The label of a code, if the code is on the list.
    fn label_of(code: &str) -> Option<&'static str> {
        Self::all().iter().find(|v| v.code() == code).map(|v| v.label())
    }

    /// (code, label) of every entry, for a select box.
    fn options() -> Vec<(&'static str, &'static str)> {
        Self::all().iter().map(|v| (v.code(), v.label())).collect()
    }
}

/// The OpenAPI schema of a closed list: a string, one of its codes; the description gives
/// each code's label.
#[cfg(feature = "openapi")]
pub fn code_schema(codes: &[&str], labelled: &[&str]) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(codes.iter().copied()))
        .description(Some(labelled.join("; ")))
        .into()
}

/// Declares an enum whose variants carry a stable snake_case code and a Chinese label.
macro_rules! code_list {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal, $label:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        // Serde's names are the codes themselves (its snake_case would turn
        // `GirlUnder14Sexual` into `girl_under14_sexual`, not the stored code).
        pub enum $name { $(#[serde(rename = $code)] $variant,)+ }

        // Written by hand: utoipa's derive does not see a `rename` whose value comes from
        // a macro (a literal fragment reaches it wrapped in an invisible group), and listed
        // the variants' Rust names instead of the codes the server speaks.
        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                $crate::codes::code_schema(&[$($code),+], &[$(concat!($code, ": ", $label)),+])
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {
            fn name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(stringify!($name))
            }
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The stable code stored in the database and used in the API.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code,)+ }
            }

            /// The Chinese label shown to users and accepted on import.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label,)+ }
            }

            /// Parses a code or a Chinese label.
            pub fn parse(s: &str) -> Option<Self> {
                let s = s.trim();
                Self::ALL.iter().copied().find(|v| v.code() == s || v.label() == s)
            }
        }

        impl $crate::codes::CodeList for $name {
            fn all() -> &'static [Self] { Self::ALL }
            fn code(self) -> &'static str { $name::code(self) }
            fn label(self) -> &'static str { $name::label(self) }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}

pub(crate) use code_list;

code_list! {
    /// Sex, as recorded on the ID card.
    Sex {
        Male = "male", "男";
        Female = "female", "女";
    }
}

code_list! {
    /// Health, census form [M16].
    Health {
        Healthy = "healthy", "健康";
        Disabled = "disabled", "残疾";
        Ill = "ill", "患病";
    }
}

code_list! {
    /// Schooling stage, census form [M16].
    Schooling {
        NotInKindergarten = "not_in_kindergarten", "未入园";
        Kindergarten = "kindergarten", "幼儿园";
        Primary = "primary", "小学";
        JuniorHigh = "junior_high", "初中";
        SeniorHigh = "senior_high", "高中";
        Vocational = "vocational", "中职";
        DroppedOut = "dropped_out", "辍学";
        NotInSchool = "not_in_school", "不在学";
    }
}

code_list! {
    /// Guardianship type, census form [M16].
    GuardianshipType {
        NoGuardian = "no_guardian", "无人监护";
        ParentIncapable = "parent_incapable", "父或母无监护能力";
        EntrustedLacksCapacity = "entrusted_lacks_capacity", "受委托监护人监护能力不足";
        Fair = "fair", "监护情况一般";
        Good = "good", "监护情况较好";
    }
}

code_list! {
    /// Family income source (multi-select), census form [M16].
    IncomeSource {
        Wages = "wages", "务工收入";
        Farming = "farming", "种植养殖";
        GovernmentAid = "government_aid", "政府救助";
        Relatives = "relatives", "亲友资助";
        Other = "other", "其他";
    }
}

code_list! {
    /// Assistance received (multi-select), census form [M16].
    Assistance {
        MinimumLiving = "minimum_living", "低保";
        Temporary = "temporary", "临时救助";
        Medical = "medical", "医疗救助";
        Housing = "housing", "住房救助";
        Other = "other", "其他";
    }
}

code_list! {
    /// Left-behind category: derived from the parents' facts, never typed ([13]).
    Category {
        BothAway = "both_away", "父母均外出务工";
        OneAwayOtherIncapable = "one_away_other_incapable", "一方外出另一方无监护能力";
        NotLeftBehind = "not_left_behind", "非留守儿童";
    }
}

code_list! {
    /// Why a file was closed (ours; a file is never deleted).
    CloseReason {
        Turned16 = "turned_16", "年满十六周岁";
        ParentsReturned = "parents_returned", "父母返乡或不再留守";
        MovedOut = "moved_out", "迁出本地";
        HukouMoved = "hukou_moved", "户籍迁移";
        Died = "died", "死亡";
        Duplicate = "duplicate", "重复建档";
        Other = "other", "其他";
    }
}

code_list! {
    /// The entrusted guardian's relation to the child.
    Relation {
        PaternalGrandparent = "paternal_grandparent", "祖父母";
        MaternalGrandparent = "maternal_grandparent", "外祖父母";
        Sibling = "sibling", "兄姐";
        OtherRelative = "other_relative", "其他亲属";
        Friend = "friend", "朋友或邻居";
        Other = "other", "其他";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_code_and_label() {
        assert_eq!(Schooling::parse("primary"), Some(Schooling::Primary));
        assert_eq!(Schooling::parse(" 小学 "), Some(Schooling::Primary));
        assert_eq!(Schooling::parse("大学"), None);
    }

    #[test]
    fn codes_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for g in GuardianshipType::ALL {
            assert!(seen.insert(g.code()));
        }
    }
}
