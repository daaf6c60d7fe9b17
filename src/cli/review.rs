//! `caliper review`: a case with the officer's proposal in, the review (偏离审查) out.

use std::path::Path;

pub fn run(file: Option<&Path>, rules: Option<&Path>, explain: bool) -> u8 {
    super::eval::answer(
        file,
        rules,
        explain,
        |rules, text| rules.review_request_json(text),
        |_, r| caliper::explain::render_review(r),
    )
}
