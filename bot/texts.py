"""Every sentence the bot says that is not from the FAQ, in Chinese and English side by side.

Facts about the article (its title, date, source, the bot's name, example questions) are
not here: they come from the FAQ's `article:` block and fill the `{placeholders}`. Texts
are plain; the Telegram side escapes them for HTML, except those whose key ends in
`_html`, which it sends as they are (their placeholders are escaped when filled).
Imports nothing from `telegram`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from bot.language import Lang

TEXTS: Mapping[str, Mapping[Lang, str]] = {
    # -- replies of the core
    "decline": {
        "zh": "抱歉，这篇报道里没有讲到这个。我只了解《{title}》（{date}）。",
        "en": 'Sorry, the article does not say. I only know one report: "{title}" ({date}).',
    },
    "empty": {
        "zh": "请用一句话提问，例如：{example}",
        "en": "Please ask a question in words, for example: {example}",
    },
    "try": {"zh": "可以试试问：", "en": "You could ask:"},
    "ask_back": {"zh": "您想问的是哪一项？", "en": "Which of these did you mean?"},
    "ask_broad": {
        "zh": "文章好几处都讲到了这个，您想了解哪一项？",
        "en": "The article speaks of this in several places. Which one would you like?",
    },
    "ask_hint": {"zh": "回复序号，或换个说法再问。", "en": "Reply with a number, or ask another way."},
    "unexplained_term": {
        "zh": "文章提到了“{term}”，但没有解释它具体是什么。原文（{title}）：",
        "en": 'The article names "{term}" but does not explain it. What it says ({title}):',
    },
    "unexplained_detail": {
        "zh": "文章没有提到{detail}。相关原文（{title}）：",
        "en": "The article does not give {detail}. What it says ({title}):",
    },
    "the_number": {"zh": "这个数字", "en": "that number"},
    "the_word": {"zh": "“{word}”", "en": '"{word}"'},
    "partial": {"zh": "等", "en": "among others"},
    "list_count": {"zh": "（{count}项）", "en": " ({count})"},
    # -- small talk
    "talk_hello": {
        "zh": "你好！我是{bot}，可以回答关于《{title}》这篇报道的问题。想了解什么？",
        "en": 'Hello! I\'m the {bot}: ask me about the report "{title}". What would you like to know?',
    },
    "talk_thanks": {
        "zh": "不客气！还有问题随时问我。",
        "en": "You're welcome! Ask me anything else about the article.",
    },
    "talk_bye": {"zh": "再见！", "en": "Goodbye!"},
    "talk_who": {
        "zh": "我是{bot}，一个问答机器人，只了解一篇报道：《{title}》（{date}，{source}），讲的是{scope}。",
        "en": (
            'I\'m the {bot}, a question-answering bot that knows one report: "{title}" ({date}, {source}), on {scope}.'
        ),
    },
    "talk_help": {
        "zh": "用自己的话提问就行，中文英文都可以，打错字、只发关键词或数字也没关系。比如：",
        "en": "Just ask in your own words, in English or Chinese; keywords or a figure alone work too. For example:",
    },
    "talk_praise": {"zh": "谢谢夸奖！还想了解什么？", "en": "Thank you! What else would you like to know?"},
    "talk_ack": {"zh": "好的。还有问题随时问我。", "en": "OK. Ask me anything else about the article."},
    "talk_laugh": {"zh": "😄 还想了解什么？", "en": "😄 Anything else you would like to know?"},
    # -- Telegram: commands
    "start": {
        "zh": (
            "你好！我是<b>{bot}</b>。我只了解一篇报道：《{title}》（{date}），讲{scope}。\n\n"
            "直接发问题给我就行，比如下面这些；/topics 浏览目录，/help 看用法。"
        ),
        "en": (
            'Hello! I\'m the <b>{bot}</b>. I know one report: "{title}" ({date}), on {scope}.\n\n'
            "Just send me a question, such as the ones below; /topics browses the article, /help explains more."
        ),
    },
    "start_group": {
        "zh": "大家好！我是<b>{bot}</b>，回答关于《{title}》的问题。在群里请 @我 提问、回复我的消息，或用 /ask 问题。",
        "en": (
            'Hello everyone! I\'m the <b>{bot}</b>: I answer questions about "{title}". In this group, mention '
            "me, reply to one of my messages, or use /ask followed by your question."
        ),
    },
    "help": {
        "zh": (
            "<b>怎么问</b>：用自己的话提问，中文英文都行，例如“党小组有多少个”“沈腾是谁”“875是什么”。"
            "打错字、繁体字也没关系。我不确定时会给出几个带序号的选项，点选或回复序号都可以。\n\n<b>命令</b>\n{commands}"
        ),
        "en": (
            '<b>How to ask</b>: in your own words, in Chinese or English, e.g. "How many Party groups are there?", '
            '"Who is Shen Teng?", "What is 875?". When unsure I offer numbered options: tap one or reply with '
            "its number.\n\n<b>Commands</b>\n{commands}"
        ),
    },
    "help_group": {
        "zh": "\n\n在群里：@我、回复我的消息，或用 /ask 问题 提问。",
        "en": "\n\nIn a group: mention me, reply to one of my messages, or use /ask followed by your question.",
    },
    "help_admin": {"zh": "\n\n<b>管理员</b>\n{commands}", "en": "\n\n<b>Admins</b>\n{commands}"},
    "about": {
        "zh": "<b>{title}</b>\n{date} · 来源：{source}\n\n我只知道这一篇文章的内容，其他问题无法回答。",
        "en": "<b>{title}</b>\n{date} · Source: {source}\n\nI only know what this one article says.",
    },
    "ask_usage": {
        "zh": "用法：/ask 问题，例如 /ask 党小组有多少个",
        "en": "Usage: /ask question, e.g. /ask How many Party groups?",
    },
    "unknown_command": {
        "zh": "没有 {command} 这个命令。发 /help 看看能做什么，或者直接提问。",
        "en": "There is no {command} command. Send /help to see what I can do, or just ask a question.",
    },
    "not_text": {
        "zh": "我只能读文字问题。请用文字提问，例如：{example}",
        "en": "I can only read text. Please type your question, e.g. {example}",
    },
    "too_long": {
        "zh": "问题太长了，请用一两句话提问。",
        "en": "That is a long message; please ask in a sentence or two.",
    },
    "error": {"zh": "抱歉，出了点问题，请再试一次。", "en": "Sorry, something went wrong. Please try again."},
    "slow_down": {
        "zh": "消息太多太快了，请稍等片刻再问。这期间的消息我不会回复。",
        "en": "That is a lot of messages at once; please wait a moment before asking again. "
        "I will not answer the ones sent meanwhile.",
    },
    # -- Telegram: buttons and menus
    "topics": {
        "zh": "<b>文章目录</b>：四个方面、十二项举措。请选择：",
        "en": "<b>Topics</b>: four lines of work and twelve measures. Pick one:",
    },
    "back": {"zh": "« 返回", "en": "« Back"},
    "all_topics": {"zh": "📚 全部话题", "en": "📚 All topics"},
    "none_of_these": {"zh": "都不是，看目录", "en": "None of these: all topics"},
    "overview": {"zh": "概述", "en": "Overview"},
    "full_text": {"zh": "📄 全文", "en": "📄 Full text"},
    "voted": {"zh": "谢谢您的反馈！", "en": "Thanks for the feedback!"},
    "voted_down": {
        "zh": "抱歉没答好。您可能想问的是下面这些，也可以换个说法再问：",
        "en": "Sorry that did not help. You may have meant one of these, or ask another way:",
    },
    "vote_gone": {
        "zh": "这条回答已经过期，无法评价了。",
        "en": "That answer is too old to vote on.",
    },
    "gone": {"zh": "这个选项已失效，请重新提问。", "en": "That option is no longer available; please ask again."},
    "sent_privately": {"zh": "已私信发给您。", "en": "Sent to you in a private chat."},
    "start_private": {
        "zh": "请先私聊我（点我的头像，发 /start），我再把结果发给您。",
        "en": "Start a private chat with me first (tap my name, send /start), then I can send it to you.",
    },
    "inline_none": {"zh": "没有找到相关内容", "en": "Nothing found"},
    "inline_none_hint": {
        "zh": "换个说法，或私聊我提问",
        "en": "Try other words, or ask me in a private chat",
    },
    "inline_open": {"zh": "私聊提问", "en": "Ask in a private chat"},
    # -- Telegram: admins
    "admins_only": {
        "zh": "抱歉，这个命令只供管理员使用。",
        "en": "Sorry, that command is for the bot's admins.",
    },
    "admin_in_group": {
        "zh": "管理命令的结果只在私聊里发送，已私信发给您。",
        "en": "Admin results are only sent in a private chat: sent to you there.",
    },
    "admin_in_group_refused": {
        "zh": "管理命令请在私聊中使用（先私聊我发 /start）。",
        "en": "Please use admin commands in a private chat with me (send me /start first).",
    },
    "period_usage": {
        "zh": "用法：{command} [day|week]，即最近一天或一周（默认一周）。",
        "en": "Usage: {command} [day|week]: the last day or week (a week if left out).",
    },
    "reloaded": {"zh": "问答库已重新加载：{entries} 条。", "en": "FAQ reloaded: {entries} entries."},
    "not_reloaded": {
        "zh": "问答库有错误，未加载，仍在使用原来的版本：",
        "en": "The FAQ file has problems and was not loaded; the previous version still answers:",
    },
    "not_reloaded_notice": {
        "zh": "问答库文件 {path} 有错误，未加载（{reason}），仍在使用原来的版本：",
        "en": "The FAQ file {path} has problems and was not loaded ({reason}); the previous version still answers:",
    },
    "reload_trigger_file": {"zh": "文件有改动", "en": "the file changed"},
    "reload_trigger_signal": {"zh": "收到 SIGHUP 信号", "en": "SIGHUP"},
    "reload_trigger_command": {"zh": "管理员发了 /reload", "en": "an admin sent /reload"},
    "reload_trigger_start": {"zh": "启动时", "en": "at start-up"},
    "reload_trigger_upload": {"zh": "管理员上传", "en": "an admin's upload"},
    "reload_trigger_rollback": {"zh": "管理员回滚", "en": "an admin's rollback"},
    "reload_trigger_version": {"zh": "另一个副本记录的新版本", "en": "a version from another replica"},
    "started_from_last_good": {
        "zh": "问答库文件 {path} 有错误，启动时改用上次可用的版本 {last_good}：",
        "en": "The FAQ file {path} has problems; the bot started from the last good version, {last_good}:",
    },
    "reloaded_notice": {
        "zh": "问答库已重新加载（{reason}）：{entries} 条。",
        "en": "FAQ reloaded ({reason}): {entries} entries.",
    },
    # -- what changed between two versions of the FAQ
    "diff_added": {"zh": "新增 {count} 条：{titles}", "en": "Added {count}: {titles}"},
    "diff_removed": {"zh": "删除 {count} 条：{titles}", "en": "Removed {count}: {titles}"},
    "diff_changed": {"zh": "修改「{title}」：{parts}", "en": "Changed “{title}”: {parts}"},
    "diff_more_changed": {"zh": "……另有 {count} 条有修改", "en": "… and {count} more changed"},
    "diff_more_titles": {"zh": " 等，另有 {count} 条", "en": " and {count} more"},
    "diff_settings": {"zh": "其他：{names}", "en": "Also: {names}"},
    "diff_none": {"zh": "内容没有变化。", "en": "No change in content."},
    "diff_figure_changed": {"zh": "数据 {old} → {new}", "en": "figure {old} → {new}"},
    "diff_figure_added": {"zh": "新增数据 {figure}", "en": "new figure {figure}"},
    "diff_figure_removed": {"zh": "删去数据 {figure}", "en": "figure removed: {figure}"},
    "diff_questions": {"zh": "示例问题 +{added} −{removed}", "en": "example questions +{added} −{removed}"},
    # -- an uploaded FAQ file, reviewed before it is applied
    "review_ok": {
        "zh": "「{name}」检查通过：{after} 条（现在 {before} 条）；自检通过，每条的示例问题都由它自己回答。",
        "en": (
            "“{name}” checks out: {after} entries (now {before}); "
            "self-check passed, each entry answers its own examples."
        ),
    },
    "review_refused": {
        "zh": "「{name}」有 {count} 处问题，没有做任何改动：",
        "en": "“{name}” has {count} problem(s); nothing was changed:",
    },
    "problem_line": {"zh": "第 {line} 行：{message}", "en": "line {line}: {message}"},
    "review_changes": {"zh": "与正在使用的版本相比：", "en": "Compared with the version in use:"},
    "review_apply_hint": {
        "zh": "按“应用”换上这个版本，按“取消”放弃。{minutes} 分钟内有效。",
        "en": "Press Apply to put this version in use, or Cancel. Valid for {minutes} minutes.",
    },
    "list_separator": {"zh": "；", "en": "; "},
    "title_separator": {"zh": "、", "en": "; "},
    "part_title": {"zh": "标题", "en": "title"},
    "part_line": {"zh": "所属方面", "en": "line of work"},
    "part_summary": {"zh": "摘要", "en": "summary"},
    "part_answer": {"zh": "回答", "en": "answer"},
    "part_questions": {"zh": "示例问题", "en": "example questions"},
    "part_keywords": {"zh": "关键词", "en": "keywords"},
    "part_lists": {"zh": "列表", "en": "lists"},
    "part_unexplained": {"zh": "未解释的词", "en": "unexplained terms"},
    "part_en": {"zh": "英文", "en": "English"},
    "setting_article": {"zh": "文章信息", "en": "the article block"},
    "setting_lines": {"zh": "四个方面", "en": "the lines of work"},
    "setting_generic": {"zh": "通用词", "en": "generic words"},
    "setting_synonyms": {"zh": "同义词", "en": "synonyms"},
    "setting_details": {"zh": "细节类别", "en": "details"},
    # -- the FAQ in admins' hands: /faq, uploads, reviews, /history, /rollback
    "version_line": {
        "zh": "v{number} · {at} UTC · {author} · {summary}",
        "en": "v{number} · {at} UTC · {author} · {summary}",
    },
    "faq_caption": {"zh": "正在使用的问答库：{line}", "en": "The FAQ in use: {line}"},
    "faq_caption_unknown": {
        "zh": "正在使用的问答库（历史中没有这个版本）",
        "en": "The FAQ in use (not in the history)",
    },
    "faq_unavailable": {
        "zh": "这个部署不能从 Telegram 管理问答库。",
        "en": "The FAQ cannot be managed from Telegram here.",
    },
    "history_empty": {"zh": "还没有记录任何版本。", "en": "No version has been recorded yet."},
    "history_head": {"zh": "最近的版本（新的在前）：", "en": "Latest versions, newest first:"},
    "history_hint": {
        "zh": "用 /rollback 编号 回到某个版本（先审阅再应用）。",
        "en": "/rollback N goes back to a version (reviewed, then applied).",
    },
    "rollback_usage": {
        "zh": "用法：/rollback 编号，编号见 /history。",
        "en": "Usage: /rollback N, with N from /history.",
    },
    "rollback_unknown": {"zh": "没有版本 {number}，见 /history。", "en": "There is no version {number}; see /history."},
    "upload_not_admin": {
        "zh": "谢谢！不过只有管理员可以上传问答库文件。有问题直接发文字问我就好。",
        "en": "Thanks, but only admins can upload FAQ files. Just send me your question as text.",
    },
    "upload_not_yaml": {
        "zh": "「{name}」不是 .yaml 文件；请发送问答库的 .yaml 文件。",
        "en": "“{name}” is not a .yaml file; send the FAQ as a .yaml file.",
    },
    "upload_too_big": {
        "zh": "文件有 {size:,} 字节，问答库最多 {limit:,} 字节，没有下载。",
        "en": "The file is {size:,} bytes; an FAQ may be at most {limit:,}. It was not downloaded.",
    },
    "upload_failed": {"zh": "文件没能下载，请再发一次。", "en": "The file could not be downloaded; send it again."},
    "review_not_kept": {
        "zh": "（审阅没能保存，暂时不能应用，请稍后再发。）",
        "en": "(The review could not be kept, so it cannot be applied now; send the file again later.)",
    },
    "apply": {"zh": "✅ 应用", "en": "✅ Apply"},
    "cancel": {"zh": "✖ 取消", "en": "✖ Cancel"},
    "applying": {"zh": "正在应用……", "en": "Applying…"},
    "applied": {"zh": "已应用：版本 v{number}，{entries} 条。", "en": "Applied: version v{number}, {entries} entries."},
    "not_applied": {"zh": "没有应用：", "en": "Not applied:"},
    "review_cancelled": {"zh": "已取消，没有做任何改动。", "en": "Cancelled; nothing was changed."},
    "review_expired": {
        "zh": "这次审阅已过期或已处理；请重新上传文件。",
        "en": "This review has expired or was already handled; upload the file again.",
    },
    "review_stale": {
        "zh": "审阅之后服务器上的问答库文件又被改动过，没有应用；请重新上传，重新审阅。",
        "en": (
            "The FAQ file on the server changed after this review, so it was not applied; "
            "upload again for a new review."
        ),
    },
    "more_problems": {"zh": "……还有 {count} 处", "en": "… and {count} more"},
    # -- reports
    "stats_head": {
        "zh": "自 {since}（UTC）起：{questions} 个问题",
        "en": "Since {since} UTC: {questions} questions",
    },
    "stats_answered": {"zh": "已回答", "en": "answered"},
    "stats_asked_back": {"zh": "反问", "en": "asked back"},
    "stats_declined": {"zh": "未回答", "en": "declined"},
    "stats_votes": {"zh": "评价", "en": "votes"},
    "stats_votes_line": {"zh": "{up} 人 👍  {down} 人 👎", "en": "{up} people 👍  {down} people 👎"},
    "stats_top": {"zh": "问得最多：", "en": "Most asked:"},
    "stats_days": {"zh": "每天：", "en": "Per day:"},
    "chart_title": {"zh": "问答统计（自 {since} 起）", "en": "Questions since {since}"},
    "chart_days": {"zh": "每天的问题", "en": "Questions per day"},
    "chart_day_axis": {"zh": "日期", "en": "Day"},
    "chart_questions_axis": {"zh": "问题数", "en": "Questions"},
    "chart_top": {"zh": "问得最多的举措", "en": "Most asked measures"},
    "chart_answers_axis": {"zh": "回答次数", "en": "Answers"},
    "chart_empty": {"zh": "这段时间没有数据", "en": "No data in this period"},
    "unanswered_none": {"zh": "这段时间没有未回答的问题。", "en": "No unanswered questions in this period."},
    "unanswered_asked_back": {"zh": "（其中 {count} 次反问）", "en": " ({count} asked back)"},
    "unanswered_also": {"zh": "又问：", "en": "also: "},
    "unanswered_nearest": {"zh": "最接近：", "en": "nearest: "},
    # -- the console
    "console_greeting": {
        "zh": "{bot}：有关《{title}》的问题请直接输入（/quit 或 Ctrl-D 退出）。例如：{example}",
        "en": '{bot}: type a question about "{title}" (/quit or Ctrl-D to leave). For example: {example}',
    },
}


def say(key: str, lang: Lang, **fields: Any) -> str:
    """A text in one language with its placeholders filled."""
    return TEXTS[key][lang].format(**fields)


def day(published: date, lang: Lang) -> str:
    """A date as a reader of that language writes it: 2022年11月16日, 16 November 2022."""
    if lang == "zh":
        return f"{published.year}年{published.month}月{published.day}日"
    return f"{published.day} {published:%B} {published.year}"
