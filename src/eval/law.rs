//! Citations of the articles the engine's own steps rest on (the walk itself, not the lists:
//! those are rule files).

/// Art. 28 ¶2: illegal income is confiscated.
pub const ART_28_2: &str = "《中华人民共和国行政处罚法》第二十八条第二款";
/// Art. 29: one act, no second fine; several norms, the higher fine.
pub const ART_29: &str = "《中华人民共和国行政处罚法》第二十九条";
/// Art. 38: no legal basis, no penalty.
pub const ART_38: &str = "《中华人民共和国行政处罚法》第三十八条";
/// Art. 36: limitation.
pub const ART_36: &str = "《中华人民共和国行政处罚法》第三十六条";
/// Art. 37: the law at the time of the act, unless the new one is lighter.
pub const ART_37: &str = "《中华人民共和国行政处罚法》第三十七条";
