//! The fixed list of realistic queries the latency measurements run.

/// Words, names, phrases, Latin terms, single characters, operators.
pub const QUERIES: &[&str] = &[
    "数字化", "高质量发展", "新能源汽车 出口", "碳中和", "习近平", "乡村振兴", "一带一路",
    "\"中国式现代化\"", "人工智能", "5G", "C919", "GDP", "泽连斯基", "巴以冲突", "粤港澳大湾区",
    "科技创新 人才", "经济", "党", "杭州亚运会", "中国人民银行", "新质生产力 OR 数字经济",
    "title:乡村振兴", "冬奥 -北京", "长江经济带", "共同富裕",
];
