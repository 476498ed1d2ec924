"""Deterministic article generation for the demo portal.

Everything comes from one ``random.Random``: the same seed, clock readings and sequence of
calls give the same articles, byte for byte. Articles are written from per-category topic
templates (title forms and paragraph templates sharing one set of slot values, so a story
stays about the same place, company and people) plus shared pools of Weifang place names,
fictional companies and personal names.

Some articles carry deliberate "realistic dirt" (see :class:`Quirk`): an ``&`` in a title,
a ``<`` and a stray backspace (``\\x08``) in a body, ASCII quotes in a title, and a
personal name whose character is in GBK but not in GB2312.
"""

from __future__ import annotations

import random
from collections.abc import Container, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Category:
    slug: str
    name: str
    encoding: str  # the codec the portal serves this category's pages in
    shows_seconds: bool  # whether the article page's date line shows seconds


CATEGORIES: tuple[Category, ...] = (
    Category("caijing", "财经", "utf-8", shows_seconds=True),
    Category("shehui", "社会", "utf-8", shows_seconds=False),
    # Real city portals still serve GBK bytes while declaring gb2312; see portal docs.
    Category("wenhua", "文化", "gbk", shows_seconds=False),
    Category("tiyu", "体育", "utf-8", shows_seconds=False),
)
CATEGORY_BY_SLUG: Mapping[str, Category] = {c.slug: c for c in CATEGORIES}


def category_for(slug: str) -> Category:
    try:
        return CATEGORY_BY_SLUG[slug]
    except KeyError:
        known = ", ".join(CATEGORY_BY_SLUG)
        raise ValueError(f"unknown demo category slug {slug!r}; expected one of {known}") from None


class Quirk(StrEnum):
    """Deliberate dirt, each bound to one category."""

    AMPERSAND_TITLE = "ampersand_title"  # 财经: '&' in the title
    CONTROL_CHAR = "control_char"  # 社会: '\x08' and '<' in the body
    GBK_ONLY = "gbk_only"  # 文化: ASCII quotes in the title, a GBK-only character in the body


@dataclass(frozen=True)
class DemoArticle:
    """One article of the portal: the ground truth the pipeline is measured against.

    ``published`` is exactly what the article page displays (seconds are zero in categories
    whose date line shows only minutes). ``paragraphs`` are the body's text paragraphs
    without indentation; ``table`` (first row = header) is rendered after the second
    paragraph, ``image_path`` before the first. ``reporter`` is the 记者 named at the start
    of the first paragraph (None when the lead names nobody).
    """

    id: str
    category: str
    category_slug: str
    title: str
    published: datetime
    source: str
    editor: str
    paragraphs: tuple[str, ...]
    image_path: str | None
    url_path: str
    modified: datetime | None = None
    table: tuple[tuple[str, ...], ...] | None = None
    reporter: str | None = None  # the 记者 named in the lead paragraph, if any

    @property
    def teaser(self) -> str:
        """The first ~60 characters of the body, cut mid-sentence like the seed's sidebars."""
        return self.paragraphs[0][:60]

    @property
    def changed(self) -> datetime:
        return self.modified or self.published

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "category": self.category,
            "category_slug": self.category_slug,
            "title": self.title,
            "published": self.published.isoformat(),
            "modified": self.modified.isoformat() if self.modified else None,
            "source": self.source,
            "editor": self.editor,
            "reporter": self.reporter,
            "paragraphs": list(self.paragraphs),
            "table": [list(row) for row in self.table] if self.table else None,
            "image_path": self.image_path,
            "url_path": self.url_path,
        }


def url_path_for(slug: str, published: datetime, article_id: str) -> str:
    local = published.astimezone(SHANGHAI)
    return f"/{slug}/{local:%Y}/{local:%m%d}/{article_id}.html"


def image_path_for(published: datetime, article_id: str) -> str:
    local = published.astimezone(SHANGHAI)
    return f"/uploadfile/{local:%Y}/{local:%m%d}/{article_id}.png"


# --------------------------------------------------------------------------- pools

PLACES = (
    "潍城区", "奎文区", "坊子区", "寒亭区", "青州市", "诸城市", "寿光市", "安丘市",
    "高密市", "昌邑市", "临朐县", "昌乐县", "高新区", "滨海区", "峡山区",
)  # fmt: skip
TOWNS = (
    "北关街道", "于河街道", "凤凰街道", "黄旗堡街道", "朱里街道", "营里镇", "柳疃镇",
    "石埠子镇", "辛寨街道", "稻田镇", "五图街道", "密州街道", "侯镇", "古城街道",
)  # fmt: skip
VILLAGES = (
    "杨家埠村", "王家庄子村", "后寨村", "北孙村", "大营村", "河崖村", "东庄村", "西岭村",
)  # fmt: skip
COMMUNITIES = (
    "贵和苑小区", "金色港湾社区", "东方花园小区", "新华路社区", "银座花园小区",
    "福寿街社区", "翡翠华庭小区", "北海路社区",
)  # fmt: skip
COMPANY_CORES = (
    "鸿瑞", "华澳", "恒泰", "瑞科", "金宇", "盛源", "海川", "德鑫", "祥和", "宏远",
    "蓝湾", "润丰", "博纳", "嘉诚", "天益",
)  # fmt: skip
COMPANY_TRADES = (
    "新材料", "生物科技", "智能装备", "食品", "电子", "农业科技", "纺织", "汽车零部件",
    "动力机械", "精细化工",
)  # fmt: skip
INDUSTRIES = (
    "高端装备", "新材料", "生物医药", "预制菜", "元宇宙", "新能源汽车零部件",
    "现代农业", "数字经济", "声学光电",
)  # fmt: skip
PRODUCTS = ("智能农机", "宠物食品", "环保阻燃剂", "动力电池壳体", "声学模组", "预制菜")
CROPS = ("樱桃", "西瓜", "蜜桃", "西红柿", "草莓", "大姜", "蒜薹")
BANKS = ("农业银行", "工商银行", "建设银行", "潍坊银行", "农商银行")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林郑韩曹"
GIVEN_NAMES = (
    "明", "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰",
    "涛", "超", "秀英", "建国", "志强", "晓东", "海燕", "春梅", "文博", "立新", "国庆",
)  # fmt: skip
# In GBK but not in GB2312: a decoder that takes a gb2312 declaration literally fails here.
GBK_ONLY_GIVEN_NAMES = ("喆", "堃", "玥")
TEAMS = ("潍坊一中", "潍坊七中", "潍坊学院", "青州一中", "寿光市代表队", "诸城市代表队")
SPORTS = ("篮球", "足球", "乒乓球", "羽毛球", "排球", "田径")
VENUES = ("潍坊市体育中心", "富华体育馆", "潍坊奥体中心", "白浪河湿地公园", "风筝广场")
MUSEUMS = ("潍坊市博物馆", "十笏园文化街区", "青州博物馆", "潍坊市图书馆", "杨家埠民俗大观园")
HERITAGE = ("杨家埠木版年画", "潍坊风筝", "核雕", "剪纸", "茂腔", "刺绣", "红木嵌银")


@dataclass(frozen=True)
class _Source:
    name: str
    lead: str  # prefix of the first paragraph; may use slots


SOURCES: tuple[_Source, ...] = (
    _Source("潍坊市广播电视台", "潍坊广电新媒体讯 "),
    _Source("潍坊日报", "潍坊日报讯（记者 {reporter} 通讯员 {reporter2}）"),
    _Source("潍坊晚报", "潍坊晚报讯（记者 {reporter}）"),
    _Source("新华社", "新华社济南{m}月{d}日电（记者 {reporter}）"),
    _Source("大众日报", "大众日报潍坊讯（记者 {reporter}）"),
)


@dataclass(frozen=True)
class _Topic:
    titles: tuple[str, ...]
    leads: tuple[str, ...]  # first paragraph (never changed by edits)
    body: tuple[str, ...]  # further paragraphs, 2–4 chosen


# ------------------------------------------------------------------ 财经 caijing
_CAIJING = (
    _Topic(
        titles=(
            "{place}{n}个重点项目集中签约 总投资{money}亿元",
            "打好“双招双引”主动仗 {place}项目签约落地按下“快进键”",
        ),
        leads=(
            "今年以来，{place}把“双招双引”作为工作的总抓手，强化精准招引，狠抓项目落地，"
            "{when}举行重点项目集中签约仪式，{n}个项目现场签约，总投资{money}亿元。",
        ),
        body=(
            "此次签约项目涵盖{industry}、{industry2}等领域，其中过10亿元项目{n3}个，"
            "项目科技含量高、带动能力强，建成后将进一步壮大{place}主导产业集群。",
            "{company}负责人{person}介绍，选择落户{place}，看中的是这里完善的产业配套和高效的"
            "政务服务，“从洽谈到签约只用了不到{n2}个月”。",
            "{place}投资促进中心主任{person2}表示，下一步将围绕{industry}产业链绘制招商图谱，"
            "对签约项目实行清单式管理，推动项目早落地、早开工、早投产。",
            "今年一季度，{place}新签约项目{n4}个，新立项项目{n3}个，新开工项目{n2}个，"
            "省外内资到位资金同比增长{pct}%。",
        ),
    ),
    _Topic(
        titles=(
            "前{mon}个月{place}外贸进出口{money}亿元 同比增长{pct}%",
            "{place}外贸“开门红” {product}出口订单持续走俏",
        ),
        leads=(
            "记者从{place}商务部门获悉，今年前{mon}个月，全{placekind}实现外贸进出口总值{money}亿元，"
            "同比增长{pct}%，增速高于全市平均水平。",
        ),
        body=(
            "从贸易方式看，一般贸易进出口占比超过七成；从产品结构看，机电产品、{product}"
            "等出口保持较快增长，对“一带一路”沿线国家进出口增长明显。",
            "在{company}的生产车间，工人们正在加紧赶制发往东南亚的订单。公司总经理{person}说，"
            "今年的订单已经排到了{m2}月份，“生产线满负荷运转，还在招工”。",
            "为帮助企业稳订单、拓市场，{place}组织{n2}家企业赴境外参加展会，"
            "并为企业提供出口信用保险、通关便利化等服务。",
            "海关人员介绍，通过“提前申报”“两步申报”等改革措施，企业通关时间进一步压缩，"
            "物流成本明显下降。",
        ),
    ),
    _Topic(
        titles=(
            "{company_short}研发投入持续加码 新产品订单排到{m2}月",
            "向“新”而行 {company_short}跑出创新“加速度”",
        ),
        leads=(
            "走进{company}的研发中心，技术人员正在对新一代{product}进行性能测试。"
            "近年来，企业每年拿出销售收入的{pct2}%用于研发，先后获得发明专利{n}项。",
        ),
        body=(
            "“过去我们主要靠代工，现在有了自己的核心技术，产品附加值提高了三成以上。”"
            "公司技术负责人{person}说。",
            "{when}，{company}与{university}签署合作协议，共建{industry}联合实验室，"
            "团队做上游研发，工厂做下游中试生产，实现科研成果就地转化。",
            "今年一季度，企业实现营业收入{money2}亿元，同比增长{pct}%，新产品销售占比达到{pct3}%。",
            "{place}科技局有关负责人表示，将继续落实研发费用加计扣除等政策，"
            "支持更多企业建设高水平研发平台。",
        ),
    ),
    _Topic(
        titles=(
            "假日消费“热”起来 {place}实现消费额{money2}亿元",
            "夜经济“热”起来 {place}消费市场活力持续释放",
        ),
        leads=(
            "{when}，{place}{street}夜市人头攒动，小吃、文创、演艺摊位前排起长队。"
            "据统计，假期期间全{placekind}重点商贸企业实现销售额{money2}亿元，同比增长{pct}%。",
        ),
        body=(
            "为激发消费活力，{place}发放消费券{n2}00万元，覆盖餐饮、百货、家电等多个领域，"
            "带动直接消费超过{money2}亿元。",
            "“来这里吃顿烧烤、看场演出，感觉特别有烟火气。”从济南来潍坊游玩的市民{person}说。",
            "商户{person2}告诉记者，假期每天营业额比平时翻了一番，“备的货基本都卖完了”。",
            "{place}商务局相关负责人介绍，下一步将持续打造特色街区，培育夜间消费新场景。",
        ),
    ),
    _Topic(
        titles=(
            "{place}{crop}喜获丰收 亩均增收{n}00元",
            "小{crop}撬动大产业 {town}种植户走上致富路",
        ),
        leads=(
            "眼下正是{crop}上市的季节，在{place}{town}{village}的种植基地里，"
            "农户们忙着采摘、分拣、装箱，一派丰收景象。",
        ),
        body=(
            "“今年雨水调和，{crop}个头大、甜度高，收购价比去年每斤高出一块多钱。”"
            "种植户{person}一边忙着装箱一边说。",
            "近年来，{town}引导农户发展设施农业，目前全镇{crop}种植面积达到{n4}亩，"
            "年产值{money2}亿元，带动{n3}00余户群众增收。",
            "当地还建起了冷链物流中心和电商直播基地，{crop}采摘后当天就能发往全国各地。",
            "{town}党委书记{person2}表示，将继续做强品牌、延伸链条，让特色产业成为乡村振兴的"
            "“金钥匙”。",
        ),
    ),
    _Topic(
        titles=(
            "{bank}潍坊分行为小微企业发放贷款{money}亿元",
            "金融“活水”精准滴灌 {place}小微企业融资更便捷",
        ),
        leads=(
            "记者从{bank}潍坊分行了解到，今年以来，该行累计向{place}小微企业和个体工商户"
            "发放贷款{money}亿元，贷款平均利率较去年同期下降{pct2}个百分点。",
        ),
        body=(
            "{company}是一家从事{industry}的小微企业，今年年初因扩大生产急需资金。"
            "银行客户经理上门服务，{n2}个工作日就完成了{n}00万元信用贷款的审批发放。",
            "“没有抵押物也能贷到款，解了我们的燃眉之急。”公司负责人{person}说。",
            "该行相关负责人{person2}介绍，下一步将持续推广线上信贷产品，"
            "让更多经营主体享受到便捷的金融服务。",
        ),
    ),
)

# Forced AMPERSAND_TITLE titles: an '&' as real sites print it (R&D, P&G style).
_CAIJING_AMP_TITLES = (
    "R&D投入占比提升至{pct2}% {company_short}跑出创新“加速度”",
    "{company_short}加大R&D投入 新产品订单排到{m2}月",
)

# ------------------------------------------------------------------ 社会 shehui
_SHEHUI = (
    _Topic(
        titles=(
            "做好信息核对 确保用气无忧",
            "{place}开展燃气安全入户检查 {n3}00余户居民受益",
        ),
        leads=(
            "{when}，在{place}{community}物业办公室，记者看到燃气公司的工作人员正在"
            "逐一对小区居民的燃气信息进行核对。",
        ),
        body=(
            "工作人员介绍，为提升燃气设施安全程度，此次核对的内容包括用户姓名、联系方式、"
            "燃气表编号以及安全检查记录等，预计{n2}天内完成全部核对工作。",
            "居民{person}说：“工作人员上门检查很细致，还教我们怎么看有没有漏气，心里踏实多了。”",
            "燃气公司提醒，市民如发现燃气泄漏，应立即关闭阀门、开窗通风，"
            "切勿开关电器或使用明火，并在安全地点拨打抢修电话。",
        ),
    ),
    _Topic(
        titles=(
            "{place}交警开展夜查行动 {n}名酒驾司机被查处",
            "周末遇上“520” 这件事情要注意",
        ),
        leads=(
            "{when}，{place}交警大队在辖区主要路口开展酒驾醉驾集中整治行动，"
            "共查处酒后驾驶{n}起，其中醉酒驾驶{n2}起。",
        ),
        body=(
            "当晚{hh}时许，一辆轿车在{street}路口接受检查时，驾驶人{person}神色慌张。"
            "经呼气式酒精检测，其血液酒精含量为{n4}mg/100ml，涉嫌醉酒驾驶。",
            "民警提醒，亲友聚会、新店开业难免喝酒，但喝酒不开车、开车不喝酒，切勿心存侥幸。",
            "据了解，今年以来{place}已开展集中整治行动{n3}次，酒驾违法行为同比下降{pct}%。",
        ),
    ),
    _Topic(
        titles=(
            "空气质量持续改善 {place}优良天数同比增加{n}天",
            "{place}一季度PM2.5平均浓度同比下降{pct}%",
        ),
        leads=(
            "记者从生态环境部门获悉，今年以来{place}空气质量持续改善，"
            "优良天数同比增加{n}天，PM2.5平均浓度同比下降{pct}%。",
        ),
        body=(
            "今年以来，{place}扎实推进工地扬尘治理、重点企业深度减排和机动车尾气治理，"
            "对{n3}家重点企业实行“一厂一策”精细化管控。",
            "环保部门工作人员{person}介绍，接下来将继续加密监测点位，做到问题早发现、早处置。",
            "市民{person2}说，现在出门能经常看到蓝天白云，周末带孩子到白浪河边散步成了习惯。",
        ),
    ),
    _Topic(
        titles=(
            "{community}“红色物业”让居民幸福感升级",
            "家门口的“小事”有人管了 {town}推行网格化服务",
        ),
        leads=(
            "{place}{town}{community}是一个建成二十多年的老旧小区，过去楼道杂物多、"
            "停车难是居民反映最多的问题。今年以来，社区推行“红色物业”，让老小区换了新模样。",
        ),
        body=(
            "社区党委书记{person}介绍，社区把辖区划分为{n2}个网格，每个网格配备网格员和楼长，"
            "居民有事打个电话，网格员半小时内上门。",
            "“以前下雨天楼下全是积水，现在路修好了，还装上了路灯。”居民{person2}说。",
            "截至目前，社区已解决居民急难愁盼问题{n3}0余件，居民满意度明显提升。",
        ),
    ),
    _Topic(
        titles=(
            "志愿服务进社区 {n3}0余名居民享受义诊服务",
            "{place}人民医院专家走进{village}开展义诊",
        ),
        leads=(
            "{when}，{place}人民医院组织心内科、骨科、眼科等科室的医务人员来到"
            "{town}{village}，为村民开展义诊并举办健康知识讲座。",
        ),
        body=(
            "活动现场，医生耐心细致地为村民测量血压、血糖，诊断病情，并针对慢性病患者"
            "提出用药和饮食建议。",
            "今年{n4}岁的村民{person}患有高血压多年，“专家到家门口看病，不用再跑城里了。”",
            "医院负责人{person2}表示，今后将常态化开展义诊活动，把优质医疗资源送到群众身边。",
        ),
    ),
    _Topic(
        titles=(
            "{place}新增{n4}个公办学位 缓解“入学难”",
            "暖心“护学岗”守护上学路",
        ),
        leads=(
            "每天早上{hh2}点，{place}{school}门口，民警、教师和家长志愿者组成的“护学岗”"
            "准时上岗，疏导交通、护送学生过马路。",
        ),
        body=(
            "据了解，“护学岗”已覆盖{place}{n3}所中小学校，上下学高峰时段校园周边交通秩序明显好转。",
            "家长志愿者{person}说：“孩子们安全了，我们在单位上班也放心。”",
            "教育部门相关负责人{person2}介绍，今年秋季学期{place}还将新增公办学位{n4}个。",
        ),
    ),
)

# Forced CONTROL_CHAR: copy-paste dirt ('\x08') and an unescaped-looking '<'.
_SHEHUI_DIRT_PARAGRAPHS = (
    "记者\x08从{place}生态环境分局了解到，{when}全{placekind}PM2.5小时浓度均值<{pm}微克/立方米，"
    "空气质量等级为“优”。",
    "监测数据显示，{place}臭氧浓度<{o3}微克/立方米，各项指标均达到国家二级标准\x08。",
)

# ------------------------------------------------------------------ 文化 wenhua (GBK!)
_WENHUA = (
    _Topic(
        titles=(
            "{heritage}走进校园 {n3}0余名学生体验非遗魅力",
            "{place}非遗传承人{person}：守住手艺就是守住乡愁",
        ),
        leads=(
            "{when}，{heritage}传承人{person}走进{school}，为同学们讲解{heritage}的历史渊源"
            "和制作技艺，现场气氛十分热烈。",
        ),
        body=(
            "{person}从十几岁开始跟随父辈学艺，至今已有{years}年，作品曾多次在全国工艺美术"
            "展览中获奖。",
            "“以前觉得非遗离我们很远，今天亲手做了一次，才知道每一道工序都不简单。”"
            "学生{person2}说。",
            "近年来，{place}已建成非遗传承基地{n2}处，开设非遗课堂{n3}0余场，让传统文化"
            "在年轻一代中生根发芽。",
        ),
    ),
    _Topic(
        titles=(
            "{museum}推出“{exhibit}”主题展",
            "“{exhibit}”在{museum}开展 {n3}0余件文物集中亮相",
        ),
        leads=(
            "{when}，“{exhibit}”主题展在{museum}开展，展览共展出文物和图片资料"
            "{n3}0余件，吸引了众多市民前来参观。",
        ),
        body=(
            "展览分为“源远流长”“百业兴盛”“薪火相传”三个单元，系统展示了潍坊地区的"
            "历史文化和民俗风情。",
            "策展人{person}介绍，此次展出的部分展品是首次与观众见面，展期将持续到{m2}月底。",
            "市民{person2}带着孩子专程来看展，“让孩子多了解家乡的历史，比看书还直观。”",
        ),
    ),
    _Topic(
        titles=(
            "“书香潍坊”全民阅读活动启动 {n}场读书活动陆续开展",
            "{place}城市书房成为市民“文化客厅”",
        ),
        leads=(
            "{when}，“书香潍坊”全民阅读活动在潍坊市图书馆启动，今年将陆续开展"
            "读书分享会、名家讲座、亲子共读等活动{n}场。",
        ),
        body=(
            "目前，全市已建成城市书房{n3}处，实现了图书通借通还，市民在家门口就能借到好书。",
            "在{community}附近的城市书房里，退休教师{person}每天都来看书，"
            "“环境安静，书也多，一坐就是一上午。”",
            "市图书馆馆长{person2}表示，将继续完善公共阅读服务体系，让阅读成为一种生活方式。",
        ),
    ),
    _Topic(
        titles=(
            "茂腔新编剧目《{play}》首演成功",
            "{place}送戏下乡{n3}0场 群众在家门口看大戏",
        ),
        leads=(
            "{when}晚，由{place}茂腔剧团创排的新编剧目《{play}》在潍坊大剧院首演，"
            "现场座无虚席，掌声不断。",
        ),
        body=(
            "该剧以当地真实人物为原型，讲述了一位乡村教师扎根山村三十年的感人故事，"
            "唱腔优美，乡土气息浓厚。",
            "剧团团长{person}介绍，剧本前后修改了{n2}稿，演员们利用业余时间排练了{n2}个多月。",
            "据悉，今年{place}将开展送戏下乡演出{n3}0场，让更多群众在家门口看上好戏。",
        ),
    ),
    _Topic(
        titles=(
            "第{n}届潍坊国际风筝会{when_short}开幕",
            "风筝扶摇上青天 {n3}0余支代表队同场竞技",
        ),
        leads=(
            "{when}，潍坊国际风筝会在滨海国际风筝放飞场开幕，来自国内外的{n3}0余支代表队"
            "参加风筝放飞比赛，各式风筝竞相飞舞，扮靓潍坊的天空。",
        ),
        body=(
            "今年的风筝会突出国际化、市场化，除传统的放飞比赛外，还设置了风筝扎制技艺展示、"
            "风筝文化论坛等活动。",
            "风筝艺人{person}带来的百米龙头蜈蚣风筝吸引了众多游客驻足观看，"
            "“这只风筝前后做了{n2}个多月。”",
            "据统计，风筝会期间预计将吸引游客{n}万人次，带动文旅消费明显增长。",
        ),
    ),
)

_WENHUA_QUOTE_TITLES = (
    '{place}让非遗"活"起来 {n3}项传统技艺走进校园',
    '{heritage}传承人{person}：让老手艺"活"起来',
)

# ------------------------------------------------------------------ 体育 tiyu
_TIYU = (
    _Topic(
        titles=(
            "潍坊市第{n}届全民健身运动会{sport}比赛落幕",
            "{sport}赛场展风采 {team}夺得冠军",
        ),
        leads=(
            "{when}，潍坊市第{n}届全民健身运动会{sport}比赛在{venue}落下帷幕，"
            "来自各县市区的{n3}支代表队、{n4}名运动员参加比赛。",
        ),
        body=(
            "经过{n2}天的激烈角逐，{team}以出色的发挥夺得冠军，{team2}和{place}代表队"
            "分获二、三名。",
            "“大家平时下班后一起练球，这次能拿到好成绩，说明付出没有白费。”队员{person}说。",
            "市体育局相关负责人{person2}表示，运动会设置项目{n3}个，覆盖各年龄段群体，"
            "让更多市民参与到全民健身中来。",
        ),
    ),
    _Topic(
        titles=(
            "潍坊国际马拉松鸣枪开跑 {n2}万名跑者奔跑鸢都",
            "{n2}万名跑者“打卡”潍坊 马拉松赛道变身城市风景线",
        ),
        leads=(
            "{when_short}{hh2}时，潍坊国际马拉松在{venue}鸣枪开跑，{n2}万名跑者沿着白浪河畔、"
            "风筝广场等地标一路奔跑，感受鸢都的城市魅力。",
        ),
        body=(
            "本次比赛设全程马拉松、半程马拉松和欢乐跑三个项目，沿途设置补给站{n3}个、"
            "医疗点{n3}个，志愿者{n4}余名为比赛提供服务。",
            "来自{place}的跑者{person}第{n2}次参加潍坊马拉松，“赛道平整，沿途加油的市民特别热情。”",
            "经过激烈角逐，男子组冠军成绩为2小时{n4}分，女子组冠军成绩为2小时{n5}分。",
        ),
    ),
    _Topic(
        titles=(
            "“村超”热力不减 {village}球场周末人气爆棚",
            "{place}乡村{ballgame}联赛开赛 {n3}支队伍同场竞技",
        ),
        leads=(
            "{when}，{place}乡村{ballgame}联赛在{town}{village}球场开赛，{n3}支由村民组成的"
            "球队将在接下来的{n2}周里展开角逐。",
        ),
        body=(
            "比赛现场锣鼓喧天，不少村民扶老携幼前来观战，为家乡球队加油助威。",
            "队长{person}白天在蔬菜大棚里干活，晚上和队友一起训练，“打球就是图个开心，"
            "也能锻炼身体。”",
            "{town}文化站站长{person2}介绍，联赛期间还将设置农产品展销区，"
            "让“体育+农业”碰撞出新的火花。",
        ),
    ),
    _Topic(
        titles=(
            "潍坊健儿在全省{sport}锦标赛上夺得{n2}金",
            "{team}学子斩获全省中学生{sport}比赛冠军",
        ),
        leads=(
            "记者从市体育局获悉，在{when}结束的山东省{sport}锦标赛上，潍坊代表队共获得"
            "{n2}枚金牌、{n3}枚银牌，金牌数位列全省第{n2}位。",
        ),
        body=(
            "其中，年仅{n5}岁的小将{person}在个人项目中发挥出色，战胜多名老将夺得冠军。",
            "教练{person2}说，队员们今年以来坚持每天训练{n2}个小时以上，“成绩是一点一滴练出来的”。",
            "据介绍，潍坊市现有各级体育后备人才训练基地{n3}处，为省队输送了一批优秀运动员。",
        ),
    ),
)

# The topic each quirk's text belongs to, so the dirt sits in a story it fits.
_QUIRK_TOPIC: Mapping[Quirk, int] = {
    Quirk.AMPERSAND_TITLE: 2,
    Quirk.CONTROL_CHAR: 2,
    Quirk.GBK_ONLY: 0,
}

_TOPICS: Mapping[str, tuple[_Topic, ...]] = {
    "caijing": _CAIJING,
    "shehui": _SHEHUI,
    "wenhua": _WENHUA,
    "tiyu": _TIYU,
}

_CLOSINGS: Mapping[str, tuple[str, ...]] = {
    "caijing": (
        "下一步，{place}将持续优化营商环境，强化要素保障，为高质量发展蓄积新动能。",
        "业内人士分析，随着一系列稳经济政策落地见效，{place}经济运行将继续保持稳中向好态势。",
    ),
    "shehui": (
        "下一步，{place}将持续聚焦群众急难愁盼问题，不断提升群众的获得感、幸福感、安全感。",
        "相关部门提醒，市民如有问题可拨打12345政务服务便民热线反映。",
    ),
    "wenhua": (
        "下一步，{place}将继续推动文化事业和文化产业协同发展，满足群众多样化的精神文化需求。",
        "据了解，相关活动将持续至{m2}月，市民可关注官方公众号了解详细信息。",
    ),
    "tiyu": (
        "下一步，{place}将继续完善全民健身公共服务体系，让群众就近就便参与体育锻炼。",
        "据悉，本届赛事所有比赛均免费向市民开放，欢迎市民前往现场观赛。",
    ),
}

# Edits append or replace a later paragraph with a dated update; never the first one,
# so teasers shown on other pages stay stable.
_UPDATES: Mapping[str, tuple[str, ...]] = {
    "caijing": (
        "（更新）记者{hh}时{mm}分从{place}有关部门获悉，截至目前已有{n2}个项目完成备案，"
        "到位资金{money2}亿元。",
        "据最新统计，相关企业本月新增订单{n3}0余笔，合同金额同比增长{pct}%。",
    ),
    "shehui": (
        "（更新）截至{m}月{d}日{hh}时，相关工作已完成{pct3}%，其余部分将在{n2}天内完成。",
        "记者{hh}时{mm}分再次回访时了解到，{place}已累计收到群众反馈{n3}条，均已办结。",
    ),
    "wenhua": (
        "（更新）截至{m}月{d}日{hh}时，已有{n3}00余名市民参与相关活动。",
        "主办方{hh}时{mm}分发布消息，因报名人数较多，活动将增加场次{n2}场。",
    ),
    "tiyu": (
        "（更新）据赛事组委会{hh}时{mm}分消息，比赛现场观众累计超过{n3}00人次。",
        "赛事组委会最新公布，本届赛事共有{n4}名运动员报名参赛，创历年新高。",
    ),
}

_EXHIBITS = ("鸢都记忆", "千年古城青州", "年画里的中国年", "潍县老手艺", "渤海之滨")
_PLAYS = ("乡村教师", "春到白浪河", "风筝情", "老街坊")
_SCHOOLS = ("潍坊市实验小学", "奎文实验初中", "潍坊新华中学", "东关街道中心小学", "北海双语学校")
_STREETS = ("东风街", "胜利街", "和平路", "北海路", "鸢飞路", "新华路", "福寿街")
_UNIVERSITIES = ("中国农业科学院", "山东大学", "潍坊学院", "中国海洋大学")
_EDITORS = (
    "王明", "李娜", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "周婷", "孙晓", "马骏",
)  # fmt: skip
_TABLE_ROWS = (
    "地区生产总值",
    "规模以上工业增加值",
    "固定资产投资",
    "社会消费品零售总额",
    "进出口总额",
)


class ArticleWriter:
    """Writes articles from templates; all choices come from the given ``rng``."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng

    # -- slots
    def _name(self, given: tuple[str, ...] = GIVEN_NAMES) -> str:
        return self._rng.choice(SURNAMES) + self._rng.choice(given)

    def _slots(self, published: datetime) -> dict[str, str]:
        rng = self._rng
        local = published.astimezone(SHANGHAI)
        event_day = local - timedelta(days=rng.choice((0, 0, 1, 2)))
        place, place2 = rng.sample(PLACES, 2)
        core = rng.choice(COMPANY_CORES)
        trade = rng.choice(COMPANY_TRADES)
        industry, industry2 = rng.sample(INDUSTRIES, 2)
        team, team2 = rng.sample(TEAMS, 2)
        person, person2 = self._name(), self._name()
        while person2 == person:
            person2 = self._name()
        when = rng.choice(
            (
                f"{event_day.month}月{event_day.day}日上午",
                f"{event_day.month}月{event_day.day}日下午",
                f"{event_day.month}月{event_day.day}日",
                "日前",
                "近日",
            )
        )
        later = (local.month + rng.randint(1, 4) - 1) % 12 + 1
        return {
            "place": place,
            "place2": place2,
            "placekind": place[-1],
            "town": rng.choice(TOWNS),
            "village": rng.choice(VILLAGES),
            "community": rng.choice(COMMUNITIES),
            "street": rng.choice(_STREETS),
            "school": rng.choice(_SCHOOLS),
            "company": f"山东{core}{trade}有限公司",
            "company_short": f"{core}{trade}",
            "industry": industry,
            "industry2": industry2,
            "product": rng.choice(PRODUCTS),
            "crop": rng.choice(CROPS),
            "bank": rng.choice(BANKS),
            "university": rng.choice(_UNIVERSITIES),
            "heritage": rng.choice(HERITAGE),
            "museum": rng.choice(MUSEUMS),
            "exhibit": rng.choice(_EXHIBITS),
            "play": rng.choice(_PLAYS),
            "sport": rng.choice(SPORTS),
            "venue": rng.choice(VENUES),
            "team": team,
            "team2": team2,
            "person": person,
            "person2": person2,
            "reporter": self._name(),
            "reporter2": self._name(),
            "when": when,
            "when_short": f"{event_day.month}月{event_day.day}日",
            "m": str(local.month),
            "d": str(local.day),
            "m2": str(later),
            "mon": str(max(local.month - 1, 1)),
            "hh": str(rng.randint(8, 22)),
            "hh2": str(rng.randint(7, 9)),
            "mm": f"{rng.randint(0, 59):02d}",
            "n": str(rng.randint(12, 40)),
            "n2": str(rng.randint(2, 9)),
            "n3": str(rng.randint(3, 30)),
            "n4": str(rng.randint(60, 980)),
            "n5": str(rng.randint(10, 19)),
            "money": str(rng.randint(18, 460)),
            "money2": f"{rng.randint(10, 990) / 10:.1f}",
            "pct": f"{rng.randint(31, 299) / 10:.1f}",
            "pct2": str(rng.randint(3, 9)),
            "pct3": str(rng.randint(30, 95)),
            "years": str(rng.randint(20, 45)),
            "pm": str(rng.randint(18, 35)),
            "o3": str(rng.randint(90, 150)),
            "ballgame": rng.choice(("足球", "篮球")),
        }

    # -- articles
    def write(
        self,
        *,
        article_id: str,
        category: Category,
        published: datetime,
        image: bool = False,
        table: bool = False,
        quirk: Quirk | None = None,
        taken_titles: Container[str] = (),
    ) -> DemoArticle:
        """One article; ``published`` must already be truncated to what the page shows."""
        for _ in range(50):
            article = self._draft(article_id, category, published, image, table, quirk)
            if article.title not in taken_titles:
                break
        else:  # pragma: no cover - the slot space is far larger than any demo run
            raise RuntimeError(f"demo: no unused title left for category {category.slug}")
        _check_encodable(article, category)
        return article

    def _draft(
        self,
        article_id: str,
        category: Category,
        published: datetime,
        image: bool,
        table: bool,
        quirk: Quirk | None,
    ) -> DemoArticle:
        rng = self._rng
        slots = self._slots(published)
        topics = _TOPICS[category.slug]
        topic = topics[_QUIRK_TOPIC[quirk]] if quirk else rng.choice(topics)
        title_form = rng.choice(topic.titles)
        if quirk is Quirk.AMPERSAND_TITLE:
            title_form = rng.choice(_CAIJING_AMP_TITLES)
        elif quirk is Quirk.GBK_ONLY:
            title_form = rng.choice(_WENHUA_QUOTE_TITLES)
            slots["person"] = rng.choice(SURNAMES) + rng.choice(GBK_ONLY_GIVEN_NAMES)
        source = rng.choice(SOURCES)
        lead = source.lead.format_map(slots) + rng.choice(topic.leads).format_map(slots)
        # Keep the templates' order: stories read lead → detail → quote → outlook.
        picked = sorted(rng.sample(range(len(topic.body)), k=rng.randint(2, len(topic.body))))
        paragraphs = [lead, *(topic.body[i].format_map(slots) for i in picked)]
        if quirk is Quirk.CONTROL_CHAR:
            paragraphs[1:1] = [p.format_map(slots) for p in _SHEHUI_DIRT_PARAGRAPHS]
        if rng.random() < 0.7:
            paragraphs.append(rng.choice(_CLOSINGS[category.slug]).format_map(slots))
        return DemoArticle(
            id=article_id,
            category=category.name,
            category_slug=category.slug,
            title=title_form.format_map(slots),
            published=published,
            source=source.name,
            editor=rng.choice(_EDITORS),
            paragraphs=tuple(paragraphs),
            image_path=image_path_for(published, article_id) if image else None,
            url_path=url_path_for(category.slug, published, article_id),
            table=self._table(slots) if table else None,
            reporter=slots["reporter"] if "{reporter}" in source.lead else None,
        )

    def _table(self, slots: Mapping[str, str]) -> tuple[tuple[str, ...], ...]:
        rows: list[tuple[str, ...]] = [("指标", "数值（亿元）", "同比增长（%）")]
        for name in _TABLE_ROWS:
            value = f"{self._rng.randint(500, 90000) / 10:.1f}"
            growth = f"{self._rng.randint(-30, 150) / 10:.1f}"
            rows.append((f"{slots['place']}{name}", value, growth))
        return tuple(rows)

    def revise(self, article: DemoArticle, now: datetime) -> DemoArticle:
        """A corrected version: a later paragraph replaced (or added) with a dated update."""
        category = category_for(article.category_slug)
        paragraphs = list(article.paragraphs)
        for _ in range(20):
            slots = self._slots(now)
            local = now.astimezone(SHANGHAI)
            slots.update(hh=str(local.hour), mm=f"{local.minute:02d}")
            update = self._rng.choice(_UPDATES[category.slug]).format_map(slots)
            if update not in paragraphs:
                break
        if len(paragraphs) > 3 and self._rng.random() < 0.5:
            paragraphs[-1] = update
        else:
            paragraphs.append(update)
        revised = replace(article, paragraphs=tuple(paragraphs), modified=now)
        _check_encodable(revised, category)
        return revised


def _check_encodable(article: DemoArticle, category: Category) -> None:
    """Fail loudly if an article can't be served in its category's charset."""
    texts = (article.title, article.source, article.editor, *article.paragraphs)
    table_cells = (cell for row in article.table or () for cell in row)
    for text in (*texts, *table_cells):
        try:
            text.encode(category.encoding)
        except UnicodeEncodeError as exc:
            raise RuntimeError(
                f"demo article {article.id} ({category.slug}) has text not encodable in "
                f"{category.encoding}: {text[exc.start : exc.end]!r}"
            ) from None
