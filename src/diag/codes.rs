//! The stable diagnostic codes. Each is documented here, once, and printed by
//! `caliper explain CODE`: S01xx syntax, M02xx model, C03xx checks, L04xx lints, E05xx cases,
//! A07xx the HTTP API, H06xx hooks (rhai scripts: H060x when rules load, H061x–H062x when a script runs, H063x the
//! legality guard).

use super::Severity;
use serde::{Serialize, Serializer};

macro_rules! codes {
    ($($name:ident = $code:literal, $sev:ident, $title:literal, $explain:literal;)*) => {
        /// A stable diagnostic code.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $(#[doc = $title] $name,)*
        }

        impl Code {
            /// Every code, in order.
            pub const ALL: &'static [Code] = &[$(Code::$name,)*];

            /// The code as printed (`M0201`).
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$name => $code,)* }
            }

            /// Errors stop the rule set from loading; warnings do not.
            pub fn severity(self) -> Severity {
                match self { $(Code::$name => Severity::$sev,)* }
            }

            /// A one-line title in Chinese.
            pub fn title(self) -> &'static str {
                match self { $(Code::$name => $title,)* }
            }

            /// What it means and how to fix it, in Chinese.
            pub fn explain(self) -> &'static str {
                match self { $(Code::$name => $explain,)* }
            }

            /// Looks a code up by its printed form.
            pub fn parse(s: &str) -> Option<Code> {
                Code::ALL.iter().copied().find(|c| c.as_str().eq_ignore_ascii_case(s))
            }
        }
    };
}

codes! {
    Syntax = "S0101", Error, "语法错误",
        "规则文件不符合规则语言的语法。提示指出读到的位置和此处可以出现的内容；对照 docs/rule-language.md 修改。";
    BadDate = "S0102", Error, "日期无效",
        "日期须写作 YYYY-MM-DD，且须是真实存在的日期（如 2025-02-30 不存在）。";
    BadNumber = "S0103", Error, "数字无效",
        "数字须是十进制数，整数或小数，如 200、0.3；不能超过 28 位有效数字。";
    NestingTooDeep = "S0104", Error, "嵌套过深",
        "条件中的括号和“若”块合计最多嵌套 64 层（docs/limits.md 的“嵌套深度”）。把条件拆成几个谓词（谓词 名称 \"说明\" 当 条件），再组合使用。";
    TooLong = "S0105", Error, "名称、文字或条件过长",
        "名称（编号、事实名称）最多 128 字节，带引号的文字最多 8 KiB，一个条件最多 256 项（docs/limits.md）。缩短它，或把条件拆成几个谓词。";
    TooManySyntaxErrors = "S0106", Error, "语法错误过多",
        "一个文件报告 100 处语法错误后停止检查其余部分（docs/limits.md 的“每个文件的语法错误”）。先改正已报告的错误，再检查一次。";
    UnbalancedBrace = "S0107", Error, "括号不配对",
        "每个“{”都要有对应的“}”。缺少“}”时，提示指出它所在的行（下一行的缩进不深于打开它的那一行时，块就在那里结束）和打开它的“{”；多余的“}”指出它本身。";
    IncludeNotFound = "M0201", Error, "包含的文件不存在",
        "包含 \"文件\" 的路径相对于写有包含语句的文件；检查文件名和扩展名 .rules。";
    IncludeCycle = "M0202", Error, "文件循环包含",
        "一个文件直接或间接包含了自己。删去其中一处包含。";
    RuleSetHeader = "M0203", Error, "规则集声明缺失或重复",
        "规则集的根文件须有且只有一个“规则集”声明，写明名称、版本和施行日期。";
    UnknownParameter = "M0204", Error, "未知参数或参数值无效",
        "参数名须是规则语言列出的参数之一（从轻比例、从重比例、减轻下限、冲突处理、简易程序、听证、法制审核）；比例在 0 和 1 之间，且从轻比例不大于从重比例。";
    DuplicateFact = "M0205", Error, "事实重复声明",
        "同一个事实只能声明一次。删去重复的声明，或者改用另一个名称。";
    DuplicatePredicate = "M0206", Error, "谓词重复定义",
        "同一个谓词只能定义一次，且不能与事实同名。";
    DuplicateViolation = "M0207", Error, "违法行为编号重复",
        "违法行为编号是公开的约定，须唯一。";
    DuplicateEntry = "M0208", Error, "清单条目编号重复",
        "清单条目编号须在整个规则集内唯一。";
    UnknownName = "M0209", Error, "未知的事实或谓词",
        "条件中使用的名称须是已声明的事实或已定义的谓词；提示给出最接近的名称。";
    UnknownViolation = "M0210", Error, "清单条目适用的违法行为不存在",
        "“适用”后的编号须是规则集中某一违法行为的编号，或者写“全部”。";
    TypeMismatch = "M0211", Error, "条件中的类型错误",
        "比较和运算两边的类型须相符：数值与数值、日期与日期、选项与其可选值；“且”“或”“不”只用于是非判断。";
    UnknownVariant = "M0212", Error, "选项中没有这个值",
        "与选项型事实比较的值须是该事实声明的可选值之一。";
    MissingModality = "M0213", Error, "清单条目缺少“应当”或“可以”",
        "每个清单条目须写明情形：应当 或 可以。没有默认值，因为两者的法律后果不同。";
    MissingCitation = "M0214", Error, "缺少依据",
        "每个违法行为须写明处罚依据（依据 \"……\"），每个清单条目须写明至少一项依据。";
    MissingCondition = "M0215", Error, "清单条目缺少条件",
        "每个清单条目须用“当 条件”写明适用的情形。";
    MissingTitle = "M0216", Error, "缺少标题",
        "清单条目须有公布时的标题（用引号写在情形之后）。";
    EmptyRange = "M0217", Error, "罚款幅度下限大于上限",
        "罚款幅度写作 下限..上限，两端都包含在内；下限不能大于上限。";
    UnknownPenalty = "M0218", Error, "未知的处罚种类",
        "处罚种类须是《行政处罚法》第九条所列之一：警告、通报批评、罚款、没收违法所得、没收非法财物、暂扣许可证件、降低资质等级、吊销许可证件、限制开展生产经营活动、责令停产停业、责令关闭、限制从业。";
    UnknownMeasure = "M0219", Error, "未知的措施",
        "措施须是规则语言列出的措施之一，见 docs/rule-language.md。";
    ScaleFact = "M0220", Error, "按单位或倍数计罚所依的事实类型不对",
        "“每 事实”须是整数或小数型事实（数量），“事实 倍”须是金额型事实。";
    NoPenalty = "M0221", Error, "违法行为没有规定处罚",
        "违法行为须至少规定一种处罚（可以在“若”条件之内）。";
    DuplicateClause = "M0222", Error, "子句重复",
        "违反、依据、标题、条件等子句在一处只能写一次。";
    PredicateCycle = "M0223", Error, "谓词循环引用或嵌套过深",
        "谓词不能直接或间接引用自己，谓词之间的引用不能超过 16 层；把引用链中的谓词合并，直接用事实写条件。";
    BadDefault = "M0224", Error, "默认值与事实类型不符",
        "默认值须与事实的类型相同，选项型事实的默认值须是可选值之一。";
    DuplicateParty = "M0225", Error, "当事人类型重复",
        "同一违法行为中，个人、单位各只能有一个处罚块。";
    UnreadableFile = "M0226", Error, "无法读取规则文件",
        "文件不存在、不可读或不是 UTF-8 编码。";
    MissingStandardFact = "M0227", Error, "缺少标准事实",
        "规则集须声明引擎所用的标准事实（party_type、harm、corrected、illegal_income 等），类型须与约定相同。";
    VersionMixed = "M0228", Error, "版本之外又写了依据或处罚",
        "违法行为有“版本”块时，依据和处罚都写在各版本之内，版本之外只写标题、违反和废止。";
    PathOutsideRuleSet = "M0229", Error, "路径超出规则集目录",
        "包含 和 脚本 的路径须是相对路径，解析符号链接之后仍在规则集根文件所在的目录之内，且指向普通文件（不能是目录、设备或管道）。绝对路径、跳出目录的 ..、指向目录外的符号链接都被拒绝，文件的内容不会被读取或显示。";
    RuleSetLimit = "M0230", Error, "规则集超出限制",
        "规则集的大小有上限（docs/limits.md）：单个文件 4 MiB，全部文件合计 16 MiB，最多 1000 个文件，包含最多 32 层，最多 4096 个事实，每个选项事实最多 1024 个可选值。提示写明超出的是哪一项；把规则集拆小或删去不用的部分。";
    BaseUnreadable = "M0240", Error, "基础规则集无法读取",
        "“基于 内置”建立在库内置的规则集之上，“基于 \"../city\"”建立在该目录（相对于根文件所在目录）的 main.rules 之上。目录须存在并含 main.rules；“基于”只能写一次，且只写在根文件的“规则集”声明中；基础规则集不能直接或间接基于本规则集，基于的层数最多 4 层（docs/limits.md）。";
    RefinementUnknown = "M0241", Error, "细化的违法行为不在基础规则集中",
        "“细化 编号 { … }”细化的是基础规则集（“基于”所指的规则集）中的违法行为：编号须在基础规则集中，规则集须写“基于”。本规则集自己规定的违法行为直接写在它的声明中；不要为同一规范另起一个编号。";
    RefinementWidens = "M0242", Error, "细化超出所引条款的法定幅度",
        "细化只能在法定幅度之内收窄罚款幅度、划分档次：罚款 下限..上限 须在所引条款的法定幅度之内（档次见 C0304）；按单位或倍数计算的罚款不能这样细化；细化的当事人类型须是该条款处罚的。";
    DuplicateRefinement = "M0243", Error, "同一违法行为细化了两次",
        "一个规则集对一个违法行为只写一个“细化”块；同一当事人的罚款在一个块中只写一次。把两处合并。";
    DuplicateRegulation = "M0244", Error, "同一法规重复",
        "法规编号须唯一，同一部法规（同一名称）只写一个“法规”块；法规修订后的不同文本写成违法行为的“版本”块，不是两个施行日期不同的法规块，否则公布时会成为两章。";
    FunctionArgs = "M0250", Error, "函数的参数不对",
        "天数(起算日期, 截止日期) 是两个日期之间的天数（起算日不计入，民法典第二百零一条），加月(日期, 月数) 是日期之后若干个月的对应日（没有对应日的为月末日，第二百零二条）；两者都有且只有两个参数，类型如上。";
    FineCap = "M0251", Error, "罚款总额上限写法有误",
        "“不超过 N”是按单位或倍数计算的罚款的总额上限（如“三倍以下且不超过三万元”写作 罚款 fee ..3 倍 不超过 30000）；N 是大于 0 的金额，最多两位小数。固定幅度的罚款直接写上限。";
    BandsIncomplete = "M0252", Error, "各档幅度写法不完整",
        "各档自定的幅度（从轻幅度、一般幅度、从重幅度）须三档都写，每档一次，且不能与从轻比例、从重比例同时使用。写作 从轻幅度 0..0.2 一般幅度 0.4..0.6 从重幅度 0.8..1，数字是法定幅度宽度的比例，自最低额起算。";
    DailyFineNoFine = "M0253", Error, "按日连续处罚没有原处罚数额",
        "按日连续处罚是“按照原处罚数额按日连续处罚”（如《许昌市城市市容和环境卫生管理条例》第五十一条）：每日的数额是同一条文对该当事人的罚款。写“按日连续处罚”的当事人须有罚款；条文只规定警告等其他处罚的，不能按日连续处罚。";
    DailyFineNotProvided = "M0254", Error, "所细化的条文没有规定按日连续处罚",
        "按日连续处罚须由法律、法规明文规定（如《中华人民共和国环境保护法》第五十九条、《许昌市城市市容和环境卫生管理条例》第五十一条）。细化块中的“按日连续处罚 日数”只能改写所细化的违法行为已有的按日连续处罚的日数计算，不能为条文没有规定的违法行为增设。";
    DailyFineNoDays = "M0255", Error, "按日连续处罚没有写日数",
        "按日连续处罚按日数计算：写作 按日连续处罚 天数(责令改正之日, 复查之日)（起算日不计入，即自责令改正之日的次日起算），或 按日连续处罚 事实名（一个整数事实，如 refused_days）。没有日数，引擎无从计算。";
    DailyFineDays = "M0256", Error, "按日连续处罚的日数不是数目",
        "按日连续处罚的日数须是数目：一个整数事实，或 天数(起算日期, 截止日期)。不足一日的部分不计。";
    DuplicateDailyFine = "M0257", Error, "按日连续处罚写了两次",
        "同一当事人在同一条件分支下只能有一个按日连续处罚；细化块中也只写一次。把两处合并。";
    DailyFineUnconditional = "C0312", Warning, "按日连续处罚不以拒不改正为条件",
        "按日连续处罚针对的是责令改正后拒不改正的持续违法行为（“拒不改正的……按日连续处罚”）。写在条文自身条件（若 uncorrected { … }）之外的按日连续处罚对每个案件都适用，包括已经改正的案件；把它写进“若”块。";
    BandsOutside = "C0310", Error, "裁量幅度超出法定幅度",
        "各档幅度是法定幅度宽度的比例：每档的下限不大于上限，且都在 0 和 1 之间（0 是法定最低额，1 是法定最高额）。超出这个区间的一档会把罚款定在法定幅度之外。";
    BandsOverlap = "C0311", Error, "裁量幅度相互重叠或次序颠倒",
        "从轻、一般、从重三档须自低而高：从轻的上限不大于一般的下限，一般的上限不大于从重的下限（两档可以相接，不能重叠）。重叠时同一罚款既是从轻又是一般，次序颠倒则从轻重于一般。";
    VersionPeriod = "C0302", Error, "版本期间重叠或无效",
        "同一违法行为的各版本期间不能重叠：前一个版本的终止日期须早于后一个版本的施行日期；废止日期须晚于最早版本的施行日期。否则在某一天适用哪个版本就不明确。";
    VersionGap = "C0303", Error, "版本之间有空档",
        "前一个版本终止与后一个版本施行之间有空档，这段时间的行为没有可适用的版本。让前一个版本的终止日期紧接后一个版本的施行日期。";
    EntryRangeList = "C0301", Error, "清单条目的自有幅度只适用于减轻清单",
        "“幅度”设定减轻处罚时的罚款幅度，只能写在减轻（或从轻或者减轻）条目中。";
    TierTable = "C0304", Error, "情节档次有误",
        "档次按数值型事实的上限（..5 表示 5 以下，含 5）或选项型事实的可选值划分，最后写“其余”；每一档是法定幅度之内的一段，上限从小到大。";
    UnreachableEntry = "L0401", Warning, "清单条目永远不会适用",
        "条目的条件在任何事实下都不成立，或者它适用的违法行为都已被同一情形的其他条目覆盖。";
    BelowHigherNorm = "L0402", Warning, "下位法的罚款幅度低于上位法的最低额",
        "违法行为以“上位法”指明同一行为另受上位法处罚，而在两者同时施行的期间，本规定对某类当事人的最高罚款低于上位法的最低罚款：依照《中华人民共和国行政处罚法》第二十九条，引擎按罚款数额高的上位法裁量，本规定的罚款幅度对这部分行为不起作用。核对本规定是否应当修订，或在规则文件中说明。";
    NoPenaltyWithAggravated = "L0403", Warning, "不予处罚条目与从重条目可以同时适用",
        "一个地方不予处罚清单的条目和一个从重条目在某个案件中同时成立。引擎先判断不予处罚（docs/evaluation.md 第5步），从重情节不再考虑。若有从重情节时不应不予处罚，在不予处罚条目的条件中排除它（且 不 …）；否则在规则文件中说明。诊断给出一个两者都成立的示例案件。";
    ShallCollide = "L0404", Warning, "应当从轻（减轻）与应当从重的地方条目可以同时适用",
        "两个地方条目，一个应当从轻或减轻，一个应当从重，在某个案件中同时成立。综合时（第7步）有应当从轻、减轻的情节即按从轻或减轻处理，从重情节记为被抵消，应当从重的条目在这类案件中不起作用。在一方的条件中排除另一方，或把其中一方改为“可以”。诊断给出示例案件。";
    SubsumedEntry = "L0405", Warning, "清单条目被另一条目覆盖，不改变任何裁量结果",
        "条目适用时，另一个效果相同或更强的条目（同一清单，情形为应当或相同；从轻条目也可被从轻或者减轻条目覆盖）总是同时适用，对它适用的每个违法行为都是如此：这个条目不改变任何裁量结果。分析在划分后的事实空间上证明这一蕴含。删去它，或让它的条件包含另一条目不成立的情形。";
    TierUnreachable = "L0406", Warning, "情节档次永远不会适用",
        "各档按顺序取第一个相符的一档；这一档的所有取值都已被前面的档次取走（重复的可选值、“其余”之后的档次、整数事实两个上限之间没有整数）。删去它或改正上限。按条件分档（档次 { 当 …: … 其余: … }）时，也取第一个条件成立的一档：一档的条件在任何案件中都不成立，或它成立的案件前面总有一档的条件也成立（“其余”：前面各档的条件总有一个成立），这一档就永远不会适用。删去它、改正条件，或把它移到包含它的一档之前。";
    TierGap = "L0407", Warning, "情节档次之间有空档",
        "按档次裁量时，法定幅度中有一段罚款数额不属于任何一档：事实多一点，罚款就跳过这一段。让相邻两档首尾相接，最高一档达到法定最高额，或在规则文件中说明理由。诊断给出空档之上一档的示例案件。按条件分档时最后总有“其余”，每个案件都有一档；检查的是各档（只计有案件能达到的档次）的幅度合起来是否覆盖法定幅度。";
    TierOverlap = "L0408", Warning, "情节档次重叠",
        "按数值分档时，后一档（数量更大）的罚款下限低于前一档的上限：数量更大的案件可能得到更低的罚款。让后一档从前一档的上限开始。按条件分档时取第一个条件成立的一档，两档的条件同时成立本身不是错误；报告的是较重的一档（幅度的下限和上限都不低于、且不同于前一档）写在较轻的一档之后、而有案件两档的条件都成立的情形：这个案件按较轻的一档处罚。把较重的一档写在前面，或在较轻一档的条件中排除它。诊断给出示例案件。";
    HookUndeclaredFact = "L0409", Warning, "钩子读取违法行为不使用的事实",
        "钩子的脚本中出现了一个事实名称（facts.x 或常量 x），而钩子适用的某个违法行为的规则（清单条目、罚则、档次、要件、引擎的步骤）都不读取它：这个违法行为的案件表单不会询问它，脚本运行时它通常未知。把该违法行为从钩子的“适用”中去掉，或在规则中使用这个事实。这是对脚本文字的静态检查。";
    UnusedFact = "L0410", Warning, "事实已声明但从未使用",
        "没有条件、谓词、罚款、档次、钩子或引擎的步骤读取这个事实，案件给出它也不改变任何结果。删去声明，或在应当考虑它的条目中使用它。";
    UnusedPredicate = "L0411", Warning, "谓词已定义但从未使用",
        "没有清单条目、罚则条件、要件、上位法条件或其他谓词使用这个谓词。删去它，或在条件中使用它。";
    NoPenaltyWithoutGround = "L0412", Warning, "不予处罚条目的条件不蕴含所引的法定事由",
        "不予处罚须有法定事由（《中华人民共和国行政处罚法》第三十条、第三十一条、第三十三条），地方清单只能收窄，不能放宽：引用第三十三条第一款的条目，条件须包含“初次违法且危害后果轻微并及时改正”（第二句）或“违法行为轻微并及时改正，没有造成危害后果”（第一句）的全部要件。诊断给出一个条目适用而法定事由不成立的示例案件。";
    ModalityMismatch = "L0413", Warning, "条目的“应当”“可以”与所引条款不符",
        "所引《中华人民共和国行政处罚法》的条款规定了“应当”或“可以”：第三十条、第三十二条、第三十三条第二款、第四十九条为应当；第三十三条第一款第一句应当不予处罚，第二句（首违不罚）可以；第三十一条不能辨认或控制的应当不予处罚，尚未完全丧失的可以从轻或减轻。只引用其中一条的条目，情形须与之相同；法定情形之外由本基准设定的裁量情节，不要引用这些条款。";
    MitigationWithoutGround = "L0414", Warning, "减轻条目没有法定依据",
        "减轻处罚（在法定最低罚款以下处罚）须有法定依据：《中华人民共和国行政处罚法》第三十条、第三十一条或第三十二条（第五项为法律、法规、规章的其他规定）。引用所依据的条款，或把条目改为从轻。";
    EntryRangeAboveMinimum = "L0415", Warning, "减轻条目的幅度超出法定最低罚款",
        "减轻处罚是在法定最低罚款以下处罚；条目自己的幅度上限高于它适用的违法行为的法定最低罚款，那部分已不是减轻（或已超出法定幅度）。让幅度的上限不超过法定最低额。";
    RefinementOutsideBase = "L0420", Warning, "细化的幅度超出所细化的基准",
        "下级基准细化上级基准（县细化市、市细化内置的示范规则集）时，对同样的事实，细化后的档次和从轻、一般、从重各档幅度应在所细化的基准之内。caliper check 按档次所读事实的取值分段比较两者，给出超出的一段、一个案件和两边的幅度，并引所引条款；确有理由的，在规则文件中说明。";
    AnalysisTooLarge = "L0499", Warning, "条件过于复杂，未能分析",
        "caliper check 的分析为回答“是否存在这样的案件”，枚举条件所读事实的各段取值；组合数超过上限（docs/limits.md 的“分析的案件数”）时不作这项分析，并报告此诊断。把条件拆成几个条目或谓词。";
    UnknownFactInCase = "E0501", Error, "案件中有未声明的事实",
        "案件的 facts 只能包含规则集声明的事实；提示给出最接近的名称。";
    WrongFactType = "E0502", Error, "案件中事实的类型不对",
        "事实的值须符合声明的类型：是非为 true/false，整数为整数，金额和小数为数字，日期为 \"YYYY-MM-DD\"，选项为其可选值之一。";
    UnknownViolationInCase = "E0503", Error, "案件中的违法行为编号不存在",
        "violation 须是规则集中某一违法行为的编号；用 caliper list 查找。";
    DateOrder = "E0505", Error, "案件中的日期先后矛盾",
        "违法行为发生之日 ≤ 终了之日、发现之日 ≤ 处罚决定之日，出生日期早于违法行为；检查案件中的日期。";
    MalformedCase = "E0504", Error, "案件文档格式错误",
        "案件须是 JSON 对象，含 violation（或 violations）和 facts。";
    CaseLimit = "E0506", Error, "案件超出限制",
        "案件文档的大小有上限（docs/limits.md）：全文 1 MiB，名称（事实名称、违法行为编号）最多 128 字节，violations 去掉重复后最多 16 个违法行为。提示写明超出的是哪一项。";
    TextNotEncoded = "E0507", Error, "规则集未编入该日期施行的文本",
        "违法行为终了之日早于规则集为该违法行为编入的最早版本，而该规范在此之前已经存在（最早版本没有标明“首次施行”）：引擎不能据此认定没有处罚依据。补充该时期施行的文本（一个“版本”块），或者核对日期；若最早版本就是首次把该行为规定为违法的文本，在它的期间后写“首次施行”。";
    ScriptSyntax = "H0601", Error, "钩子脚本语法错误",
        "钩子脚本不符合 rhai 语法，或超出编译时的限制（表达式嵌套层数、函数个数）。提示指出脚本中的行和列；rhai 的写法见 docs/hooks.md。";
    ScriptNotFound = "H0602", Error, "钩子脚本文件不存在",
        "“脚本”后的路径相对于写有该钩子的规则文件；检查文件名和扩展名 .rhai。内嵌的规则集须把脚本放在 rules/ 之下。";
    ScriptUnknownName = "H0603", Error, "脚本中使用了未声明的名称",
        "脚本只能读取规则集声明的事实和决定的常量（outcome、mandatory、fine_min、fine_max、statutory_min、statutory_max、violation），以及自己用 let 声明的变量。名称写错时提示给出最接近的事实。";
    ScriptForbidden = "H0604", Error, "脚本使用了被禁止的功能",
        "钩子脚本在沙箱中运行：不能用 eval、import（模块）、浮点数，也不能重新声明事实或决定常量的名称。需要的数据都以常量给出，金额是精确的小数。";
    HookMissingCitation = "H0605", Error, "钩子缺少依据",
        "每个钩子须写明授权它的地方规范性文件：依据 \"《……》\"。没有依据的地方例外不能改变裁量结果。";
    HookUnknownViolation = "H0606", Error, "钩子适用的违法行为不存在",
        "“适用”后的编号须是规则集中某一违法行为的编号，或者写“全部”（可加“除 编号”）。";
    HookUnknownPoint = "H0607", Error, "未知的钩子时点",
        "时点只能是“情节之后”（收集情节之后、综合之前，可以增加情节）或“结果之后”（综合和计算罚款之后，可以增加情节、改变结果或罚款）。";
    HookDeclaration = "H0608", Error, "钩子声明不完整或重复",
        "钩子须有唯一的编号、标题，并且“适用”“时点”“脚本”各写一次。";
    HookReservedFact = "H0609", Error, "事实名称与脚本常量冲突",
        "脚本中 outcome、mandatory、fine_min、fine_max、statutory_min、statutory_max、violation 是决定的常量；有钩子时，事实不能用这些名称。";
    ScriptOperations = "H0611", Error, "脚本超出运算次数上限",
        "钩子脚本的运算次数有上限（见 docs/hooks.md），死循环或过大的循环在此中止。检查循环的终止条件；裁量用的脚本只需很少的运算。";
    ScriptCallDepth = "H0612", Error, "脚本函数调用层数超出上限",
        "脚本中函数的嵌套调用层数有上限，无终止的递归在此中止。改用循环，或检查递归的终止条件。";
    ScriptDataSize = "H0613", Error, "脚本中的数据超出大小上限",
        "脚本中字符串、数组、映射的大小和变量个数都有上限（见 docs/hooks.md）。裁量用的脚本不需要大量数据。";
    ScriptTimeout = "H0614", Error, "脚本超出运行时间上限",
        "运算次数上限之外，还有一个运行时间上限作为保险。达到它说明脚本做了异常多的工作。";
    ScriptOutput = "H0615", Error, "脚本输出超出上限",
        "print 和 debug 的输出写入推理过程，行数和总长度有上限。只输出对办案人员有用的说明，或改用 note。";
    HookBudget = "H0616", Error, "一个决定中的钩子超出合计上限",
        "一个案件的全部钩子合计最多 300 000 次运算，每次运行最多增加 16 个情节（docs/limits.md）。多个违法行为（第二十九条）的钩子一并计算。简化脚本，或减少适用同一案件的钩子。（合计运行时间的上限 2 秒和每次运行的 1 秒一样，只是安全网，达到时报 H0614。）";
    ScriptRuntime = "H0621", Error, "脚本运行出错",
        "脚本运行时出错（如除以零、下标越界、修改事实常量、用 throw 抛出错误）。提示指出脚本中的位置；事实未知时其值为 ()，使用前先判断。";
    ScriptCall = "H0622", Error, "函数不存在或参数类型不对",
        "脚本调用了不存在的函数，或参数的类型不对。钩子可用的函数见 docs/hooks.md：add_circumstance(清单, 情形, 标题, 依据)、set_outcome(结果, 依据)、set_fine(下限, 上限)、note(文字)，参数都是文字，金额是整数或小数。";
    ScriptReturn = "H0623", Error, "脚本返回了值",
        "钩子脚本不通过返回值改变决定：结果只能通过 add_circumstance、set_outcome、set_fine 改变。删去最后一个表达式的值，或在末尾加分号。";
    ScriptArgument = "H0624", Error, "函数参数的值无效",
        "函数的参数类型对，但值不可用：清单须是 从轻、减轻、从轻或者减轻、从重、不予处罚 之一，情形须是 应当 或 可以，依据和标题不能为空，罚款须精确到分，set_outcome 和 set_fine 只能在“结果之后”调用。";
    HookGuard = "H0631", Error, "钩子的结果违反法定界限",
        "钩子运行之后引擎检查合法性：罚款须在法定幅度之内（减轻处罚、不予处罚除外），不能出现违法行为未规定的处罚种类，不能违背法定“应当”的情节。违反的是规则集的错误：不会给出被截断的数字，须修改钩子脚本。";
    BodyTooLarge = "A0701", Error, "请求体超出大小上限",
        "HTTP API 的请求体有大小上限（caliper serve --max-body，默认 1 MiB）。错误文档的 limit 写明上限；把批量请求拆小，或由管理员调高上限。";
    BatchTooLarge = "A0702", Error, "批量请求中的案件数超出上限",
        "POST /api/v1/evaluate/batch 一次最多处理的案件数有上限（caliper serve --max-batch，默认 1000）。错误文档的 limit 写明上限；分几次提交。";
    DeadlineExceeded = "A0703", Error, "请求超出处理时限",
        "每个请求须在时限内处理完毕（caliper serve --deadline-ms，默认 10000 毫秒），超时的请求得到 503 和这份错误文档，而不是断开的连接。稍后重试，或把批量请求拆小。";
    MissingReason = "A0704", Error, "最终决定偏离建议但未说明理由",
        "记录决定时，最终决定与引擎的建议不同（另一种处罚结果、建议幅度之外的罚款、另一组处罚种类）须在 reason 中写明理由。错误文档列出偏离之处。";
    MalformedRequest = "A0705", Error, "请求文档格式错误",
        "请求不是约定的 JSON 文档，或缺少、写错了字段；at 指出位置。文档格式见 docs/server.md。";
    NotFound = "A0706", Error, "请求的资源不存在",
        "没有这个路径、违法行为编号或决定记录编号。接口列表见 /api/v1/openapi.json。";
    Internal = "A0707", Error, "服务内部错误",
        "服务在处理请求时出错（例如无法写入决定记录库）。请求没有被记录；详细原因在服务的日志中，按 request_id 查找。";
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Code {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Code, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Code::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown diagnostic code {text}")))
    }
}

/// A code compares equal to its printed form, so `err.code == "E0501"` reads as the contract.
impl PartialEq<str> for Code {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}
