//! Conditions and expressions: names resolved, types checked, predicate cycles found.

use super::{Lowerer, Ty};
use crate::diag::{Code, Diagnostic, nearest};
use crate::model::expr::{ArithOp, CmpOp};
use crate::model::{Expr, FactType, Predicate, Value};
use crate::source::Span;
use crate::syntax::ast;

impl Lowerer {
    /// A condition: must be of type bool.
    pub(super) fn condition(&mut self, e: &ast::Expr) -> Expr {
        let (x, ty) = self.expr(e);
        if ty != Ty::Bool && ty != Ty::Error {
            self.diags.push(
                Diagnostic::error(
                    Code::TypeMismatch,
                    e.span,
                    format!("条件须是是非判断，这里是{}", ty.describe(&self.facts)),
                )
                .label("不是是非判断")
                .help("用比较写成判断，如 volume_m3 <= 1"),
            );
        }
        x
    }

    pub(super) fn unknown_name(&mut self, name: &str, span: Span) {
        let candidates: Vec<&str> = self
            .fact_index
            .keys()
            .map(String::as_str)
            .chain(self.pred_names.keys().map(String::as_str))
            .collect();
        let mut d = Diagnostic::error(
            Code::UnknownName,
            span,
            format!("未声明的事实或谓词 {name}"),
        )
        .label("未知名称");
        d = match nearest(name, candidates) {
            Some(n) => d.help(format!("是否想写 {n}？")),
            None => d.help("先用“事实”声明它，或用“谓词”定义它"),
        };
        self.diags.push(d);
    }

    pub(super) fn expr(&mut self, e: &ast::Expr) -> (Expr, Ty) {
        use ast::ExprKind as K;
        match &e.kind {
            K::Bool(b) => (Expr::Lit(Value::Bool(*b)), Ty::Bool),
            K::Number(n) => (Expr::Lit(Value::Dec(*n)), Ty::Num),
            K::Date(Some(d)) => (Expr::Lit(Value::Date(*d)), Ty::Date),
            K::Date(None) => (Expr::Lit(Value::Bool(false)), Ty::Error),
            K::Str(_) => {
                self.diags.push(
                    Diagnostic::error(Code::TypeMismatch, e.span, "条件中不能使用文字")
                        .label("文字")
                        .help("选项的值直接写名称，不加引号，如 harm = serious"),
                );
                (Expr::Lit(Value::Bool(false)), Ty::Error)
            }
            K::Name(n) => {
                if let Some(&id) = self.fact_index.get(n) {
                    let ty = match &self.facts[id as usize].ty {
                        FactType::Bool => Ty::Bool,
                        FactType::Int | FactType::Decimal | FactType::Money => Ty::Num,
                        FactType::Date => Ty::Date,
                        FactType::Enum(_) => Ty::Enum(id),
                    };
                    (Expr::Fact(id), ty)
                } else if let Some(&(id, _)) = self.pred_names.get(n) {
                    (Expr::Pred(id), Ty::Bool)
                } else {
                    self.unknown_name(n, e.span);
                    (Expr::Lit(Value::Bool(false)), Ty::Error)
                }
            }
            K::Not(x) => {
                let (x, ty) = self.expr(x);
                self.expect(&ty, Ty::Bool, e.span, "“不”");
                (Expr::Not(Box::new(x)), Ty::Bool)
            }
            K::Neg(x) => {
                let (x, ty) = self.expr(x);
                self.expect(&ty, Ty::Num, e.span, "负号");
                (Expr::Neg(Box::new(x)), Ty::Num)
            }
            K::In(x, items) => {
                let (lhs, ty) = self.expr(x);
                let mut values = Vec::new();
                for item in items {
                    if let Some(v) = self.constant_for(&ty, item) {
                        values.push(v);
                    }
                }
                (Expr::In(Box::new(lhs), values), Ty::Bool)
            }
            K::Binary(op, a, b) => self.binary(*op, a, b, e.span),
            K::Call(f, args) => self.call(*f, args, e.span),
        }
    }

    /// `天数(日期, 日期)` is a number of days, `加月(日期, 整数)` a date.
    fn call(&mut self, f: ast::Func, args: &[ast::Expr], span: Span) -> (Expr, Ty) {
        let (want, result) = match f {
            ast::Func::Days => ([Ty::Date, Ty::Date], Ty::Num),
            ast::Func::AddMonths => ([Ty::Date, Ty::Num], Ty::Date),
        };
        let usage = match f {
            ast::Func::Days => "天数(起算日期, 截止日期)：两个日期之间的天数，起算日不计入",
            ast::Func::AddMonths => "加月(日期, 月数)：日期之后若干个月的对应日，没有对应日的为月末日",
        };
        if args.len() != 2 {
            self.diags.push(
                Diagnostic::error(
                    Code::FunctionArgs,
                    span,
                    format!("{} 须有 2 个参数，这里有 {} 个", f.zh(), args.len()),
                )
                .label("参数个数不对")
                .help(usage.to_string()),
            );
            return (Expr::Lit(Value::Bool(false)), Ty::Error);
        }
        let (a, ta) = self.expr(&args[0]);
        let (b, tb) = self.expr(&args[1]);
        let mut ok = true;
        for ((got, want), arg) in [ta, tb].iter().zip(&want).zip(args) {
            if got != want && *got != Ty::Error {
                self.diags.push(
                    Diagnostic::error(
                        Code::FunctionArgs,
                        arg.span,
                        format!(
                            "{} 的这个参数须是{}，这里是{}",
                            f.zh(),
                            want.describe(&self.facts),
                            got.describe(&self.facts)
                        ),
                    )
                    .label("类型不符")
                    .help(usage.to_string()),
                );
                ok = false;
            }
        }
        if !ok {
            return (Expr::Lit(Value::Bool(false)), Ty::Error);
        }
        let e = match f {
            ast::Func::Days => Expr::Days(Box::new(a), Box::new(b)),
            ast::Func::AddMonths => Expr::AddMonths(Box::new(a), Box::new(b)),
        };
        (e, result)
    }

    pub(super) fn expect(&mut self, got: &Ty, want: Ty, span: Span, what: &str) {
        if *got != want && *got != Ty::Error {
            let d = Diagnostic::error(
                Code::TypeMismatch,
                span,
                format!(
                    "{what}须作用于{}，这里是{}",
                    want.describe(&self.facts),
                    got.describe(&self.facts)
                ),
            )
            .label("类型不符")
            .help("检查这里用的事实的类型（事实声明中的类型）");
            self.diags.push(d);
        }
    }

    /// A literal or option name, checked against the type it is compared with.
    pub(super) fn constant_for(&mut self, ty: &Ty, item: &ast::Expr) -> Option<Value> {
        use ast::ExprKind as K;
        match (ty, &item.kind) {
            (Ty::Enum(fid), K::Name(n)) => {
                let FactType::Enum(vs) = &self.facts[*fid as usize].ty else {
                    return None;
                };
                match vs.iter().position(|(v, _)| v == n) {
                    Some(i) => Some(Value::Enum(crate::limits::option_index(i))),
                    None => {
                        let fact = self.facts[*fid as usize].name.clone();
                        let names: Vec<&str> = vs.iter().map(|(v, _)| v.as_str()).collect();
                        let mut d = Diagnostic::error(
                            Code::UnknownVariant,
                            item.span,
                            format!("事实 {fact} 没有可选值 {n}"),
                        )
                        .label("不是可选值");
                        d = match nearest(n, names.iter().copied()) {
                            Some(s) => {
                                d.help(format!("是否想写 {s}？可选值有：{}", names.join("、")))
                            }
                            None => d.help(format!("可选值有：{}", names.join("、"))),
                        };
                        self.diags.push(d);
                        None
                    }
                }
            }
            (Ty::Error, _) => None,
            _ => {
                let (x, t) = self.expr(item);
                if let Expr::Lit(v) = x
                    && (t == *ty || t == Ty::Error)
                {
                    return Some(v);
                }
                if t != Ty::Error {
                    self.diags.push(
                        Diagnostic::error(
                            Code::TypeMismatch,
                            item.span,
                            format!(
                                "集合中的值须是{}，这里是{}",
                                ty.describe(&self.facts),
                                t.describe(&self.facts)
                            ),
                        )
                        .label("类型不符")
                        .help("“属于”后的集合只能写常量"),
                    );
                }
                None
            }
        }
    }

    pub(super) fn binary(
        &mut self,
        op: ast::BinOp,
        a: &ast::Expr,
        b: &ast::Expr,
        span: Span,
    ) -> (Expr, Ty) {
        use ast::BinOp as B;
        match op {
            B::And | B::Or => {
                let (x, tx) = self.expr(a);
                let (y, ty) = self.expr(b);
                let word = if op == B::And {
                    "“且”"
                } else {
                    "“或”"
                };
                self.expect(&tx, Ty::Bool, a.span, word);
                self.expect(&ty, Ty::Bool, b.span, word);
                let e = if op == B::And {
                    Expr::And(Box::new(x), Box::new(y))
                } else {
                    Expr::Or(Box::new(x), Box::new(y))
                };
                (e, Ty::Bool)
            }
            B::Add | B::Sub | B::Mul | B::Div => {
                let (x, tx) = self.expr(a);
                let (y, ty) = self.expr(b);
                let sym = format!("运算符 {}", op.symbol());
                self.expect(&tx, Ty::Num, a.span, &sym);
                self.expect(&ty, Ty::Num, b.span, &sym);
                let aop = match op {
                    B::Add => ArithOp::Add,
                    B::Sub => ArithOp::Sub,
                    B::Mul => ArithOp::Mul,
                    _ => ArithOp::Div,
                };
                (Expr::Arith(aop, Box::new(x), Box::new(y)), Ty::Num)
            }
            _ => self.comparison(op, a, b, span),
        }
    }

    /// A comparison: an option name on either side is read as a variant of the other side's
    /// option fact; both sides of one type, ordered only for numbers and dates.
    fn comparison(
        &mut self,
        op: ast::BinOp,
        a: &ast::Expr,
        b: &ast::Expr,
        span: Span,
    ) -> (Expr, Ty) {
        use ast::BinOp as B;
        let cmp = match op {
            B::Eq => CmpOp::Eq,
            B::Ne => CmpOp::Ne,
            B::Lt => CmpOp::Lt,
            B::Le => CmpOp::Le,
            B::Gt => CmpOp::Gt,
            _ => CmpOp::Ge,
        };
        // An option name on either side is resolved against the other side's type: a name
        // that is a variant of the other side's option fact is that variant, even where a
        // fact of the same name exists (`harm = minor` beside the fact `minor`).
        // The option fact a side names, by index: its variants are read from `facts` when
        // needed rather than copied for every comparison.
        let enum_fact = |e: &ast::Expr, me: &Self| -> Option<usize> {
            let ast::ExprKind::Name(n) = &e.kind else {
                return None;
            };
            let id = *me.fact_index.get(n)? as usize;
            matches!(me.facts[id].ty, FactType::Enum(_)).then_some(id)
        };
        let (va, vb) = (enum_fact(a, self), enum_fact(b, self));
        let is_variant_name = |e: &ast::Expr, other: Option<usize>, me: &Self| {
            let ast::ExprKind::Name(n) = &e.kind else {
                return false;
            };
            if let Some(id) = other
                && let FactType::Enum(vs) = &me.facts[id].ty
                && vs.iter().any(|(v, _)| v == n)
            {
                return true;
            }
            !me.fact_index.contains_key(n) && !me.pred_names.contains_key(n)
        };
        let b_is_variant = is_variant_name(b, va, self);
        let a_is_variant = !b_is_variant && is_variant_name(a, vb, self);
        let (x, tx, y, ty) = if b_is_variant {
            let (x, tx) = self.expr(a);
            if let Ty::Enum(_) = tx {
                let v = self.constant_for(&tx, b);
                let y = v.map_or(Expr::Lit(Value::Bool(false)), Expr::Lit);
                let ty = if v.is_some() { tx.clone() } else { Ty::Error };
                (x, tx, y, ty)
            } else {
                let (y, ty) = self.expr(b);
                (x, tx, y, ty)
            }
        } else if a_is_variant {
            let (y, ty) = self.expr(b);
            if let Ty::Enum(_) = ty {
                let v = self.constant_for(&ty, a);
                let x = v.map_or(Expr::Lit(Value::Bool(false)), Expr::Lit);
                let tx = if v.is_some() { ty.clone() } else { Ty::Error };
                (x, tx, y, ty)
            } else {
                let (x, tx) = self.expr(a);
                (x, tx, y, ty)
            }
        } else {
            let (x, tx) = self.expr(a);
            let (y, ty) = self.expr(b);
            (x, tx, y, ty)
        };
        self.check_comparison(cmp, (a, &tx), (b, &ty), span);
        // A whole-number literal compared with a whole-number fact is stored as one, so
        // that evaluation compares integers instead of converting to decimals.
        let int_lit = |e: Expr, other: &Expr, me: &Self| match (e, other) {
            (Expr::Lit(Value::Dec(d)), Expr::Fact(f))
                if me.facts[*f as usize].ty == FactType::Int && d.fract().is_zero() =>
            {
                i64::try_from(d).map_or(Expr::Lit(Value::Dec(d)), |i| Expr::Lit(Value::Int(i)))
            }
            (e, _) => e,
        };
        let y = int_lit(y, &x, self);
        let x = int_lit(x, &y, self);
        (Expr::Cmp(cmp, Box::new(x), Box::new(y)), Ty::Bool)
    }

    /// Both sides of a comparison have one type; `<`, `<=`, `>`, `>=` only numbers and dates.
    fn check_comparison(
        &mut self,
        cmp: CmpOp,
        (a, tx): (&ast::Expr, &Ty),
        (b, ty): (&ast::Expr, &Ty),
        span: Span,
    ) {
        if *tx != Ty::Error && *ty != Ty::Error {
            let ordered = matches!(cmp, CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge);
            if tx != ty {
                self.diags.push(
                    Diagnostic::error(
                        Code::TypeMismatch,
                        b.span,
                        format!(
                            "比较两边的类型不同：左边是{}，右边是{}",
                            tx.describe(&self.facts),
                            ty.describe(&self.facts)
                        ),
                    )
                    .label(format!("这里是{}", ty.describe(&self.facts)))
                    .secondary(a.span, format!("这里是{}", tx.describe(&self.facts)))
                    .help("数值与数值比较，日期与日期比较，选项与它的可选值比较"),
                );
            } else if ordered && !matches!(tx, Ty::Num | Ty::Date) {
                self.diags.push(
                    Diagnostic::error(
                        Code::TypeMismatch,
                        span,
                        format!("{}不能比较大小", tx.describe(&self.facts)),
                    )
                    .label("只能用 = 或 != 比较")
                    .help("大小比较只用于数值和日期"),
                );
            }
        }
    }

    /// Predicates may use one another, but never in a circle, and at most 16 deep: evaluation
    /// follows the chain, and a drafter reading it should not have to go further either.
    pub(super) fn check_predicate_cycles(&mut self, preds: &[Predicate]) {
        const MAX_DEPTH: usize = 16;
        enum Problem {
            Cycle(usize),
            TooDeep(usize),
            TooHeavy(usize),
        }
        // state: 0 = unvisited, 1 = on the current path, 2 = done (and `height` known: the
        // longest chain of predicates below it)
        fn visit(
            i: usize,
            depth: usize,
            preds: &[Predicate],
            state: &mut [u8],
            height: &mut [usize],
            weight: &mut [usize],
        ) -> Option<Problem> {
            if depth > MAX_DEPTH {
                return Some(Problem::TooDeep(i));
            }
            state[i] = 1;
            let mut found = None;
            let mut h = 0;
            preds[i].cond.for_each_pred(&mut |p| {
                let p = p as usize;
                if found.is_some() || p >= preds.len() {
                    return;
                }
                match state[p] {
                    1 => found = Some(Problem::Cycle(p)),
                    0 => found = visit(p, depth + 1, preds, state, height, weight),
                    _ => {}
                }
                h = h.max(height[p] + 1);
            });
            state[i] = 2;
            height[i] = h;
            if found.is_none() && h == MAX_DEPTH + 1 {
                found = Some(Problem::TooDeep(i));
            }
            // Evaluation recurses through the whole chain: the levels of every predicate on it
            // count together (`limits::PREDICATE_LEVELS`).
            let mut w = 0;
            preds[i].cond.for_each_pred(&mut |p| {
                w = w.max(weight.get(p as usize).copied().unwrap_or(0));
            });
            weight[i] = w + preds[i].cond.depth();
            if found.is_none() && weight[i] > crate::limits::PREDICATE_LEVELS {
                found = Some(Problem::TooHeavy(i));
            }
            found
        }
        let mut state = vec![0u8; preds.len()];
        let mut height = vec![0usize; preds.len()];
        let mut weight = vec![0usize; preds.len()];
        let mut too_deep_reported = false;
        for i in 0..preds.len() {
            if state[i] != 0 {
                continue;
            }
            let d = match visit(i, 0, preds, &mut state, &mut height, &mut weight) {
                None => continue,
                // One long chain is one mistake: say it once.
                Some(Problem::TooDeep(_) | Problem::TooHeavy(_)) if too_deep_reported => continue,
                Some(Problem::TooHeavy(p)) => {
                    too_deep_reported = true;
                    Diagnostic::error(
                        Code::PredicateCycle,
                        preds[p].span,
                        format!(
                            "谓词 {} 连同它引用的谓词，条件合计嵌套超过 {} 层（谓词嵌套上限）",
                            preds[p].name,
                            crate::limits::PREDICATE_LEVELS
                        ),
                    )
                    .label("引用链在这里超过上限")
                    .help("把引用链中的几个谓词合并，或把长条件拆成并列的谓词")
                }
                Some(Problem::Cycle(p)) => Diagnostic::error(
                    Code::PredicateCycle,
                    preds[p].span,
                    format!("谓词 {} 直接或间接引用了自己", preds[p].name),
                )
                .label("循环从这里开始")
                .help("把循环中的一个谓词改写为只用事实的条件"),
                Some(Problem::TooDeep(p)) => {
                    too_deep_reported = true;
                    Diagnostic::error(
                        Code::PredicateCycle,
                        preds[p].span,
                        format!("谓词之间的引用超过 {MAX_DEPTH} 层"),
                    )
                    .label("引用链在这里超过上限")
                    .help("把引用链中的几个谓词合并，直接用事实写条件")
                }
            };
            self.diags.push(d);
        }
    }
}
