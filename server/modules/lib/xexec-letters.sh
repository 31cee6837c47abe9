# xexec-letters.sh - the letters by which the spam module recognises a
# script in Subject and From (sourced by xexec-spam.sh).
#
# Pigeonhole decodes encoded words (=?koi8-r?B?...?=) before any test sees a
# header, so a blocked character set's name is never visible there: the
# module looks for the letters of the script the character set is for. For
# alphabets (Cyrillic, Greek, Hebrew, Arabic, Thai, Japanese kana) that is
# every letter; Chinese and Korean have thousands, so the lists hold about
# 500 of the most frequent Chinese characters (simplified and traditional,
# with the usual words of advertising) and about 110 of the most frequent
# Hangul syllables (with 광고, "advertisement", which Korean law puts in
# the subject of advertising). A Subject made only of rarer characters
# passes; the message's own charset is still caught (SERVER.md).
#
# Letters are separated by spaces or line breaks, so that splitting them
# needs no UTF-8 locale.

SPAM_LETTERS_CYRILLIC='А Б В Г Д Е Ж З И Й К Л М Н О П Р С Т У Ф Х Ц Ч Ш Щ Ъ Ы Ь Э Ю Я а б в
г д е ж з и й к л м н о п р с т у ф х ц ч ш щ ъ ы ь э ю я Ё ё Є є І і
Ї ї Ґ ґ'
SPAM_LETTERS_GREEK='Α Β Γ Δ Ε Ζ Η Θ Ι Κ Λ Μ Ν Ξ Ο Π Ρ Σ Τ Υ Φ Χ Ψ Ω α β γ δ ε ζ η θ ι κ λ
μ ν ξ ο π ρ ς σ τ υ φ χ ψ ω ά έ ή ί ό ύ ώ'
SPAM_LETTERS_HEBREW='א ב ג ד ה ו ז ח ט י ך כ ל ם מ ן נ ס ע ף פ ץ צ ק ר ש ת'
SPAM_LETTERS_ARABIC='ء آ أ ؤ إ ئ ا ب ة ت ث ج ح خ د ذ ر ز س ش ص ض ط ظ ع غ ف ق ك ل م ن ه و ى
ي'
SPAM_LETTERS_THAI='ก ข ฃ ค ฅ ฆ ง จ ฉ ช ซ ฌ ญ ฎ ฏ ฐ ฑ ฒ ณ ด ต ถ ท ธ น บ ป ผ ฝ พ ฟ ภ ม ย ร
ฤ ล ฦ ว ศ ษ ส ห ฬ อ ฮ'
SPAM_LETTERS_JAPANESE='ぁ あ ぃ い ぅ う ぇ え ぉ お か が き ぎ く ぐ け げ こ ご さ ざ し じ す ず せ ぜ そ ぞ た だ ち ぢ っ
つ づ て で と ど な に ぬ ね の は ば ぱ ひ び ぴ ふ ぶ ぷ へ べ ぺ ほ ぼ ぽ ま み む め も ゃ や ゅ ゆ
ょ よ ら り る れ ろ ゎ わ ゐ ゑ を ん ァ ア ィ イ ゥ ウ ェ エ ォ オ カ ガ キ ギ ク グ ケ ゲ コ ゴ サ ザ
シ ジ ス ズ セ ゼ ソ ゾ タ ダ チ ヂ ッ ツ ヅ テ デ ト ド ナ ニ ヌ ネ ノ ハ バ パ ヒ ビ ピ フ ブ プ ヘ ベ
ペ ホ ボ ポ マ ミ ム メ モ ャ ヤ ュ ユ ョ ヨ ラ リ ル レ ロ ヮ ワ ヰ ヱ ヲ ン ヴ ヵ ヶ'
SPAM_LETTERS_KOREAN='이 다 는 에 의 가 을 를 하 고 지 서 로 니 기 사 리 대 시 자 도 한 수 어 있 인 일 보 국 주 정 전 스 요 세
부 상 제 아 나 드 해 만 내 게 성 우 면 라 구 장 비 소 공 신 여 생 회 들 원 동 업 유 마 연 문 경 무 개 화
관 학 위 분 계 중 오 재 식 발 선 거 방 트 데 물 적 실 합 안 모 용 간 광 객 님 품 할 특 까 입 금 료 혜 택
출 카 노 립 쿠 폰 당 첨'
SPAM_LETTERS_CHINESE='的 一 是 不 了 人 我 在 有 他 这 个 们 中 来 上 大 为 和 国 地 到 以 说 时 要 就 出 会 可 也 你 对 生 能
而 子 那 得 于 着 下 自 之 年 过 发 后 作 里 用 道 行 所 然 家 种 事 成 方 多 经 么 去 法 学 如 都 同 现
当 没 动 面 起 看 定 天 分 还 进 好 小 部 其 些 主 样 理 心 她 本 前 开 但 因 只 从 想 实 日 军 者 意 无
力 它 与 长 把 机 十 民 第 公 此 已 工 使 情 明 性 知 全 三 又 关 点 正 业 外 将 两 高 间 由 问 很 最 重
并 物 手 应 战 向 头 文 体 政 美 相 见 被 利 什 二 等 产 或 新 己 制 身 果 加 西 斯 月 话 合 回 特 代 内
信 表 化 老 给 世 位 次 度 门 任 常 先 海 通 教 儿 原 东 声 提 立 及 比 员 解 水 名 真 论 处 走 义 各 入
几 口 认 条 平 系 气 题 活 尔 更 别 打 女 变 四 神 总 何 电 数 安 少 报 才 结 反 受 目 太 量 再 感 建 务
做 接 必 场 件 计 管 期 市 直 德 资 命 山 金 指 克 许 统 区 保 至 队 形 社 便 空 决 治 展 马 科 司 五 基
眼 书 非 则 听 白 却 界 达 光 放 强 即 像 难 且 权 思 王 象 完 设 式 色 路 记 南 品 住 告 类 求 据 程 北
边 死 张 该 交 规 万 取 拉 格 望 觉 术 领 共 确 传 师 观 清 今 切 院 让 识 候 带 导 争 运 笑 飞 风 步 改
收 根 干 造 言 联 持 组 每 济 车 亲 极 林 服 快 办 议 往 元 英 士 证 近 失 转 夫 令 准 布 始 怎 呢 存 未
远 叫 台 单 影 具 罗 字 爱 击 流 备 兵 连 调 深 商 算 质 团 集 百 需 价 花 党 华 城 石 级 整 府 离 况 亚
请 技 际 约 示 复 病 息 究 线 似 官 火 断 精 满 支 视 消 越 器 容 照 须 九 增 研 写 称 企 八 功 吗 包 片
史 委 乎 查 轻 易 早 曲 除 族 富 费 优 惠 免 贷 款 票 購 這 個 們 來 國 說 時 會 對 過 發 後 裡 經 麼 學
現 當 沒 動 開 實 從 優 費 貸 買 賣 網'

# spam_script CHARSET - the script a (lower-case) character set is for, or
# nothing.
spam_script() {
	case $1 in
	koi8-r | koi8-u | koi8-ru | windows-1251 | cp1251 | iso-8859-5 | ibm866 | cp866 | x-mac-cyrillic) echo CYRILLIC ;;
	iso-8859-7 | windows-1253 | cp1253 | x-mac-greek) echo GREEK ;;
	iso-8859-8 | iso-8859-8-i | windows-1255 | cp1255) echo HEBREW ;;
	iso-8859-6 | windows-1256 | cp1256) echo ARABIC ;;
	tis-620 | windows-874 | cp874 | iso-8859-11) echo THAI ;;
	iso-2022-jp | shift_jis | shift-jis | sjis | euc-jp | cp932 | windows-31j) echo JAPANESE ;;
	euc-kr | ks_c_5601-1987 | iso-2022-kr | cp949) echo KOREAN ;;
	gb2312 | gbk | gb18030 | big5 | big5-hkscs | hz-gb-2312 | cp936 | x-gbk) echo CHINESE ;;
	esac
}

# spam_letters SCRIPT - the letters of SCRIPT, one a line.
spam_letters() {
	eval "_sl=\$SPAM_LETTERS_$1"
	for _l in $_sl; do printf '%s\n' "$_l"; done
}
