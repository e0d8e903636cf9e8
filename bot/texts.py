"""Every sentence the bot says that is not from the FAQ, in Chinese and English side by side.

Facts about the article (its title, date, source, the bot's name, example questions) are
not here: they come from the FAQ's `article:` block and fill the `{placeholders}`. Texts
are plain; the Telegram side escapes them for HTML, except those whose key ends in
`_html`, which it sends as they are (their placeholders are escaped when filled).
Imports nothing from `telegram`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
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
    "pick_group": {
        "zh": "在群里请回复这条消息并写上序号，或点下面的按钮。",
        "en": "In a group, reply to this message with a number, or tap a button below.",
    },
    "pick_typed": {"zh": "回复序号即可。", "en": "Reply with a number."},
    "full_hint": {"zh": "（回复“全文”看全文）", "en": '(Reply "more" for the full text.)'},
    "line_measures": {"zh": "这一方面有{count}项举措：{titles}。", "en": "{count} measures: {titles}."},
    "unexplained_term": {
        "zh": "文章提到了“{term}”，但没有解释它具体是什么。原文（{title}）：",
        "en": 'The article names "{term}" but does not explain it. What it says ({title}):',
    },
    "unexplained_detail": {
        "zh": "文章没有提到{detail}。相关原文（{title}）：",
        "en": "The article does not give {detail}. What it says ({title}):",
    },
    "not_said": {
        "zh": "文章没有说{what}。它只说（{title}）：",
        "en": 'The article does not answer "{what}?" What it does say ({title}):',
    },
    "verdict_yes": {"zh": "是的。", "en": "Yes."},
    "verdict_yes_because": {"zh": "是的：{truth}。", "en": "Yes: {truth}."},
    "verdict_no": {"zh": "不是。", "en": "No."},
    "verdict_no_because": {"zh": "不是：{truth}。", "en": "No: {truth}."},
    "verdict_no_value": {"zh": "不是{said}，是{truth}。", "en": "No: {truth}, not {said}."},
    "verdict_no_sentence": {"zh": "不是{said}：{truth}。", "en": "No, not {said}: {truth}."},
    "verdict_no_instead": {"zh": "不是{said}，是{instead}：{truth}。", "en": "No, not {said} but {instead}: {truth}."},
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
    # -- WeChat
    "wechat_welcome": {
        "zh": (
            "你好！我是{bot}，只了解一篇报道：《{title}》（{date}），讲{scope}。\n"
            "直接发文字问题给我就行，中文英文都可以，比如："
        ),
        "en": (
            'Hello! I\'m the {bot}. I know one report: "{title}" ({date}), on {scope}.\n'
            "Just send me a question in words, in Chinese or English, such as:"
        ),
    },
    "wechat_admin_commands": {
        "zh": (
            "微信上管理员可用：/stats [day|week] 看统计，/unanswered [day|week] 看没答上的问题。问答库不在微信上管理。"
        ),
        "en": (
            "On WeChat, admins have /stats [day|week] for statistics and /unanswered [day|week] for the questions "
            "not answered. The FAQ is not managed from WeChat."
        ),
    },
    "part_of": {"zh": "（{part}/{parts}）", "en": " ({part}/{parts})"},
    "wechat_openid": {
        "zh": "您在这个公众号的 OpenID 是：{openid}\n（管理员名单 WECHAT_ADMIN_OPENIDS 用的就是它。）",
        "en": "Your OpenID for this account is: {openid}\n(This is what the admin list WECHAT_ADMIN_OPENIDS holds.)",
    },
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
            "<b>怎么问</b>：用自己的话提问，中文英文都行，例如{examples}。打错字、繁体字也没关系。"
            "我不确定时会给出几个带序号的选项，点选或回复序号都可以。答完以后可以接着问：“那……呢”、"
            "“详细点”看全文、“不对”看别的。\n\n<b>命令</b>\n{commands}"
        ),
        "en": (
            "<b>How to ask</b>: in your own words, in Chinese or English, e.g. {examples}. When unsure I offer "
            'numbered options: tap one or reply with its number. After an answer you can go on: "and …?", '
            '"more" for the full text, "wrong" for other answers.\n\n<b>Commands</b>\n{commands}'
        ),
    },
    "help_group": {
        "zh": "\n\n在群里：@我、回复我的消息，或用 /ask 问题 提问。",
        "en": "\n\nIn a group: mention me, reply to one of my messages, or use /ask followed by your question.",
    },
    "help_admin": {
        "zh": (
            "\n\n<b>管理员</b>\n{commands}\n\n<b>修改问答库</b>：发 /faq 下载文件，编辑后把文件发回给我；"
            "我会先检查并列出改动，按“应用”才生效。/unanswered 里可以把没答上的问题直接归到某一条下面。"
        ),
        "en": (
            "\n\n<b>Admins</b>\n{commands}\n\n<b>Editing the FAQ</b>: /faq sends the file; edit it and send "
            "it back to me. I check it and list the changes; nothing changes until you press Apply. In "
            "/unanswered you can file a question the bot missed under an entry with one tap."
        ),
    },
    "about": {
        "zh": "<b>{title}</b>\n{date} · 来源：{source}\n\n我只知道这一篇文章的内容，其他问题无法回答。",
        "en": "<b>{title}</b>\n{date} · Source: {source}\n\nI only know what this one article says.",
    },
    "ask_usage": {"zh": "用法：/ask 问题，例如 /ask {example}", "en": "Usage: /ask question, e.g. /ask {example}"},
    "unknown_command": {
        "zh": "没有 {command} 这个命令。发 /help 看看能做什么，或者直接提问。",
        "en": "There is no {command} command. Send /help to see what I can do, or just ask a question.",
    },
    "not_text": {
        "zh": "我只能读文字问题。请用文字提问，例如：{example}",
        "en": "I can only read text. Please type your question, e.g. {example}",
    },
    "example_quote": {"zh": "“{example}”", "en": '"{example}"'},
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
        "zh": "文章目录：{lines}个方面、{measures}项举措。请选择：",
        "en": "Topics: {lines} lines of work and {measures} measures. Pick one:",
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
    "others_none": {
        "zh": "抱歉没答好。没有别的相近内容了，请换个说法再问，或看看全部话题（/topics）。",
        "en": "Sorry that did not help. Nothing else comes close: please ask another way, or browse /topics.",
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
        "zh": "用法：{command} [天|周]，即最近一天或一周（默认一周）。",
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
    "reload_trigger_teach": {"zh": "管理员在 /unanswered 里归档", "en": "an admin's filing from /unanswered"},
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
        "zh": "⏳ 按“应用”换上这个版本，按“取消”放弃。{minutes} 分钟内有效。",
        "en": "⏳ Press Apply to put this version in use, or Cancel. Valid for {minutes} minutes.",
    },
    "review_same_content": {
        "zh": "内容没有变化，只有注释或排版不同。",
        "en": "No change in content: only comments or layout differ.",
    },
    "review_identical": {
        "zh": "「{name}」和正在使用的问答库一模一样，没有什么可以应用的。",
        "en": "“{name}” is identical to the FAQ in use; there is nothing to apply.",
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
    "setting_declined": {"zh": "文章没有的问题", "en": "questions the article does not answer"},
    "diff_declined": {
        "zh": "文章没有的问题 +{added} −{removed}",
        "en": "questions the article does not answer +{added} −{removed}",
    },
    "summary_added": {"zh": "新增 {count} 条", "en": "entries added: {count}"},
    "summary_removed": {"zh": "删除 {count} 条", "en": "entries removed: {count}"},
    "summary_changed": {"zh": "修改 {count} 条", "en": "entries changed: {count}"},
    "summary_figures": {"zh": "{count} 处数据变化", "en": "figure changes: {count}"},
    "summary_settings": {"zh": "改了{names}", "en": "{names} changed"},
    "summary_separator": {"zh": "，", "en": ", "},
    "summary_back_to": {"zh": "（回到 v{number}）", "en": " (back to v{number})"},
    "summary_none": {"zh": "内容没有变化", "en": "no change in content"},
    "summary_loaded": {"zh": "载入", "en": "loaded"},
    "summary_start": {"zh": "启动时使用", "en": "in use at start"},
    "summary_start_last_good": {"zh": "启动时使用（上次可用的版本）", "en": "in use at start (the last good copy)"},
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
        "zh": "这次审阅已过期，没有应用；请重新上传文件。",
        "en": "This review has expired and was not applied; upload the file again.",
    },
    "review_stale_teach": {
        "zh": "审阅之后，正在使用的问答库已经改过了，没有应用；请在 /unanswered 里重新归档。",
        "en": "The FAQ in use changed after this review, so it was not applied; file the questions again "
        "from /unanswered.",
    },
    "review_unknown": {
        "zh": "找不到这次审阅（已过期很久，或按钮不属于这个文件），没有做任何改动；请重新上传文件。",
        "en": "This review is not known (long expired, or the button is not this file's); nothing was changed. "
        "Upload the file again.",
    },
    "review_not_yours": {
        "zh": "这是另一位管理员的审阅，只有他/她能应用或取消。",
        "en": "This is another admin's review; only they can apply or cancel it.",
    },
    "review_already_applied": {
        "zh": "这次审阅已经应用过了（版本 v{number}），没有再加新版本。",
        "en": "This review was already applied (version v{number}); no version was added.",
    },
    "review_was_cancelled": {"zh": "这次审阅已经取消了，没有应用。", "en": "This review was cancelled; not applied."},
    "review_was_refused": {
        "zh": "这次审阅在应用时被拒绝了；请重新上传文件。",
        "en": "This review was refused when it was applied; upload the file again.",
    },
    "review_replaced": {
        "zh": "已被下面新的审阅取代，这里不能再应用。",
        "en": "Replaced by the newer review below; it cannot be applied here.",
    },
    "review_applying": {"zh": "正在应用，请稍候……", "en": "Being applied; one moment…"},
    "store_unavailable": {
        "zh": "数据库暂时不可用，请稍后再试。",
        "en": "The database is not available right now; try again in a moment.",
    },
    "upload_too_many_entries": {
        "zh": "文件有 {entries} 条，从 Telegram 上传的问答库最多 {limit} 条；没有审阅。",
        "en": "The file has {entries} entries; an FAQ uploaded here may have at most {limit}. It was not reviewed.",
    },
    "author_file": {"zh": "服务器上的文件", "en": "the file on the server"},
    "author_admin": {"zh": "管理员 {id}", "en": "admin {id}"},
    "faq_edit_hint": {
        "zh": "修改方法：编辑这个文件，再把它发回给我；我先检查并列出改动，按“应用”才生效。",
        "en": "To edit: change this file and send it back to me; I check it and list the changes, "
        "and nothing changes until you press Apply.",
    },
    "review_stale": {
        "zh": (
            "审阅之后，正在使用的问答库已经改过了（有人应用了别的版本，或改了服务器上的文件），没有应用；"
            "请重新上传，重新审阅。"
        ),
        "en": (
            "The FAQ in use changed after this review (another version was applied, or the file was edited "
            "on the server), so it was not applied; upload again for a new review."
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
    "stats_channels": {"zh": "渠道", "en": "channels"},
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
    # -- the web page
    "web_intro": {"zh": "关于《{title}》（{date}）的问答", "en": 'Questions and answers on "{title}" ({date})'},
    "web_hello": {
        "zh": "你好！我是{bot}。我只了解一篇报道：《{title}》（{date}），讲{scope}。直接在下面输入问题，比如：",
        "en": 'Hello! I\'m the {bot}. I know one report: "{title}" ({date}), on {scope}. Type a question below, e.g.:',
    },
    "web_log": {"zh": "对话", "en": "Conversation"},
    "web_label": {"zh": "您的问题", "en": "Your question"},
    "web_placeholder": {"zh": "例如：{example}", "en": "e.g. {example}"},
    "web_send": {"zh": "发送", "en": "Send"},
    "web_helpful": {"zh": "有帮助", "en": "Helpful"},
    "web_not_helpful": {"zh": "没帮助", "en": "Not helpful"},
    "web_offline": {"zh": "连接断了，正在重试……", "en": "The connection dropped; trying again…"},
    "web_failed": {"zh": "没有发出去，请稍后再试。", "en": "That did not go through; please try again shortly."},
    "web_noscript": {
        "zh": "这个问答页需要 JavaScript，请在浏览器里启用后再试。",
        "en": "This page needs JavaScript; please turn it on in your browser and try again.",
    },
    "web_too_fast": {
        "zh": "发得太快了，请{seconds}秒后再问。",
        "en": "That is a lot of messages at once; please wait {seconds} s and ask again.",
    },
    "web_unreadable": {
        "zh": "没能读懂这条请求，请刷新页面再试。",
        "en": "That request could not be read; please reload the page and try again.",
    },
    "unanswered_got": {"zh": "得到的回答：", "en": "answered with: "},
    # teaching the bot from /unanswered
    "teach_hint": {
        "zh": (
            "下面每个问题都可以点按钮归档：归到某一条下面（以后这样问就由它回答），或标为“文章没有”（以后拒答）。"
            "可以先归好几个，最后在审阅里按一次“应用”。"
        ),
        "en": (
            "File each question below with its buttons: under an entry (it answers such questions from then on), "
            "or as not in the article (declined from then on). File several, then press Apply once on the review."
        ),
    },
    "teach_other": {"zh": "其他条目…", "en": "Another entry…"},
    "teach_not_in_article": {"zh": "✗ 文章没有", "en": "✗ Not in the article"},
    "teach_more": {"zh": "更多 »", "en": "More »"},
    "card_gone": {
        "zh": "这个问题的按钮已过期，请重新发 /unanswered。",
        "en": "This question's buttons have expired; send /unanswered again.",
    },
    "teach_filing": {"zh": "正在检查……", "en": "Checking…"},
    "teach_refused": {
        "zh": "没有归档“{question}”（{where}）：归进去自检就不通过了：",
        "en": "“{question}” was not filed ({where}): the self-check would fail with it:",
    },
    "teach_filed": {
        "zh": "已归档：{where}。在下面的审阅里按“应用”生效。",
        "en": "Filed: {where}. Press Apply on the review below to put it in use.",
    },
    "teach_where_entry": {"zh": "归到「{title}」", "en": "under “{title}”"},
    "teach_where_declined": {"zh": "标为文章没有", "en": "as not in the article"},
    "teach_pending": {"zh": "待应用的归档（{count} 个）：", "en": "Filed, waiting for Apply ({count}):"},
    # -- the console
    "console_greeting": {
        "zh": "{bot}：有关《{title}》的问题请直接输入（/quit 或 Ctrl-D 退出）。例如：{example}",
        "en": '{bot}: type a question about "{title}" (/quit or Ctrl-D to leave). For example: {example}',
    },
}


FAQ_TEXTS: Mapping[str, Mapping[Lang, str]] = {
    # The problems of an FAQ file, as its editor reads them: after `file:line: ` in the log and on
    # the command line (English), after 第 N 行 / line N in Telegram. FAQ content is quoted (“...”
    # in Chinese), the file's own keys are in `backticks`. Each English text is also the log's.
    "faq_too_big": {
        "zh": "文件有 {size:,} 字节，问答库最多 {limit:,} 字节",
        "en": "the file is {size:,} bytes; an FAQ may be at most {limit:,}",
    },
    "faq_not_utf8": {
        "zh": "文件不是 UTF-8 文本，请存成 UTF-8 编码",
        "en": "the file is not UTF-8 text; save it as UTF-8",
    },
    "faq_no_faq": {"zh": "文件里没有问答库的内容", "en": "the file holds no FAQ"},
    "faq_file_empty": {"zh": "文件是空的", "en": "the file is empty"},
    "faq_alias": {
        "zh": "不能用 YAML 的锚点和别名（&名字、*名字），请把内容直接写出来",
        "en": "YAML anchors and aliases (&name, *name) are not allowed; write the text out",
    },
    "faq_syntax": {"zh": "YAML 语法错误：{reason}{opened}", "en": "YAML syntax error: {reason}{opened}"},
    "faq_yaml_error": {"zh": "YAML 错误：{reason}", "en": "YAML error: {reason}"},
    "faq_opened": {"zh": "；第 {line} 行开始的{what}没有结束", "en": "; {what} opened on line {line} is not closed"},
    "opener_list": {"zh": " [ 列表", "en": "the [ list"},
    "opener_mapping": {"zh": " { 映射", "en": "the { mapping"},
    "opener_quote": {"zh": "引号", "en": "the quoted text"},
    "opener_block": {"zh": "这一段", "en": "the block"},
    "opener_it": {"zh": "这一段", "en": "it"},
    # YAML's own reasons: the English is the parser's, as it gave it
    "yaml_key": {"zh": "这里应该是一个键：多半是缩进不齐，或者上一行少了冒号", "en": "{reason}"},
    "yaml_list": {"zh": "[ 列表里少了逗号或右方括号 ]", "en": "{reason}"},
    "yaml_mapping": {"zh": "{{ 映射里少了逗号或右花括号 }}", "en": "{reason}"},
    "yaml_dash": {"zh": "列表项的“-”缩进不齐", "en": "{reason}"},
    "yaml_colon": {"zh": "这里不能有冒号：文字里有“: ”时，请给整段文字加上引号", "en": "{reason}"},
    "yaml_sequence": {"zh": "这里不能开始列表项“- ”：请检查缩进", "en": "{reason}"},
    "yaml_character": {
        "zh": "这里有一个不能出现在开头的字符（例如用 Tab 缩进，或以 @、` 开头）",
        "en": "{reason}",
    },
    "yaml_tab": {"zh": "缩进里有 Tab：请只用空格缩进", "en": "{reason}"},
    "yaml_end": {"zh": "文件结束时引号或括号还没有结束", "en": "{reason}"},
    "yaml_escape": {"zh": "双引号里的反斜杠后面跟了不认识的字符：改用单引号，或写成两个反斜杠", "en": "{reason}"},
    "yaml_content": {"zh": "这里缺少内容", "en": "{reason}"},
    "yaml_document": {"zh": "文件里只能有一份 YAML 文档：不要用 --- 或 ... 分隔", "en": "{reason}"},
    "yaml_anchor": {"zh": "锚点或别名写得不对", "en": "{reason}"},
    "yaml_tag": {"zh": "不认识的 YAML 指令或标签（以 % 或 ! 开头）", "en": "{reason}"},
    "yaml_block": {"zh": "“|”或“>”后面的写法不对", "en": "{reason}"},
    "yaml_control": {"zh": "文件里有不允许的控制字符", "en": "{reason}"},
    "yaml_duplicate": {"zh": "键重复了", "en": "{reason}"},
    "yaml_indent": {"zh": "缩进不对，或者 [ 或 {{ 没有配对", "en": "{reason}"},
    "yaml_other": {
        "zh": "这里的 YAML 格式不对（常见原因：缩进不齐、冒号后面少了空格、引号或括号没有配对）",
        "en": "{reason}",
    },
    # reading and writing the file
    "faq_cannot_read": {"zh": "读不了这个文件：{reason}", "en": "cannot read the file: {reason}"},
    "faq_cannot_write": {"zh": "写不了这个文件：{reason}", "en": "cannot write the file: {reason}"},
    "faq_not_regular": {
        "zh": "这不是普通文件；问答库必须是一个普通的 YAML 文件",
        "en": "not a regular file; the FAQ must be a plain YAML file",
    },
    "faq_not_loaded": {"zh": "没有加载：{why}", "en": "not loaded: {why}"},
    "faq_stopping": {"zh": "机器人正在停止", "en": "the bot is stopping"},
    "faq_read_slow": {"zh": "读取超过了 {seconds:.0f} 秒", "en": "reading took over {seconds:.0f} s"},
    "faq_locked": {
        "zh": "另一个进程正在修改问答库，等了 {seconds:.0f} 秒还没有结束",
        "en": "another process has been changing the FAQ for over {seconds:.0f} s",
    },
    "faq_versions_unreadable": {
        "zh": "数据库暂时不可用，读不到问答库的版本，现在不能应用",
        "en": "the FAQ's versions cannot be read from the store: {reason}",
    },
    "os_missing": {"zh": "文件不存在", "en": "{reason}"},
    "os_denied": {"zh": "没有权限", "en": "{reason}"},
    "os_folder": {"zh": "这是一个文件夹", "en": "{reason}"},
    "os_read_only": {"zh": "文件系统是只读的", "en": "{reason}"},
    "os_full": {"zh": "磁盘满了", "en": "{reason}"},
    "os_other": {"zh": "系统错误（{code}）", "en": "{reason}"},
    # the schema
    "faq_unknown_key": {
        "zh": "{what}里有不认识的键 `{key}`；可以用的键：`{known}`",
        "en": "unknown key {key!r} in {what}; known keys: {known}",
    },
    "faq_duplicate_key": {"zh": "{what}里的键 `{key}` 重复了", "en": "duplicate key {key!r} in {what}"},
    "faq_missing_key": {"zh": "{what}缺少 `{key}`", "en": "{what} has no {key!r}"},
    "faq_not_text": {"zh": "{what}必须是文字", "en": "{what} must be text"},
    "faq_empty": {"zh": "{what}是空的", "en": "{what} is empty"},
    "faq_too_long": {
        "zh": "{what}有 {length} 个字，最多 {limit} 个",
        "en": "{what} is {length} characters long; keep it within {limit}",
    },
    "faq_not_list": {"zh": "{what}必须是列表", "en": "{what} must be a list"},
    "faq_empty_list": {"zh": "{what}是空列表，至少写一项", "en": "{what} is an empty list; give at least one"},
    "faq_not_mapping": {
        "zh": "{what}必须是若干行 `键: 值`",
        "en": "{what} must be a mapping of `key: value` lines",
    },
    "faq_not_flag": {"zh": "{what}只能是 true 或 false", "en": "{what} must be true or false"},
    "faq_bad_date": {
        "zh": "文章日期“{raw}”必须写成 YYYY-MM-DD 形式",
        "en": "article date {raw!r} must be a date written as YYYY-MM-DD",
    },
    "faq_bad_section_id": {
        "zh": "{kind}编号“{key}”只能用小写字母、数字和 -",
        "en": "{kind} id {key!r} must be lower-case letters, digits and '-'",
    },
    "faq_duplicate_detail": {"zh": "细节类别编号“{key}”重复了", "en": "duplicate detail id {key!r}"},
    "faq_variant_of_two": {
        "zh": "“{variant}”同时写成了“{first}”和“{second}”的同义词",
        "en": "{variant!r} is a variant of both {first!r} and {second!r}",
    },
    "faq_duplicate_line": {"zh": "方面编号“{key}”重复了", "en": "duplicate line id {key!r}"},
    "faq_entries_not_list": {
        "zh": "`entries` 必须是列表，每一项以 `- id:` 开头",
        "en": "entries must be a list, each item starting with '- id:'",
    },
    "faq_entries_empty": {
        "zh": "`entries` 是空列表；问答库至少要有一条",
        "en": "entries is an empty list; the FAQ needs at least one entry",
    },
    "faq_duplicate_id": {
        "zh": "编号“{id}”重复了；第 {line} 行已经用过",
        "en": "duplicate id {id!r}; first used at line {line}",
    },
    "faq_bad_id": {
        "zh": "编号“{id}”只能用小写字母、数字和 -，最多 40 个字符",
        "en": "id {id!r} must be lower-case letters, digits and '-', at most 40",
    },
    "faq_unknown_line": {
        "zh": "{name}写的方面“{line}”不在 `lines:` 里（{known}）",
        "en": "{name} names line {line!r}, which is not under `lines:` ({known})",
    },
    "faq_none_defined": {"zh": "一个也没有定义", "en": "none defined"},
    "faq_known_ids": {"zh": "已有的：`{ids}`", "en": "{ids}"},
    "faq_long_answer": {
        "zh": "{name}的回答太长；请加一个最多 {limit} 字的 `summary`",
        "en": "the answer of {name} is long; give it a `summary` of at most {limit}",
    },
    "faq_long_en_answer": {
        "zh": "{name}的英文回答太长；请加一个最多 {limit} 个字符的 `summary`",
        "en": "the en answer of {name} is long; give it a `summary` of at most {limit}",
    },
    "faq_lists_not_list": {
        "zh": "{name}的 `lists` 必须是列表，每一项以 `- name:` 开头",
        "en": "lists of {name} must be a list, each item starting with '- name:'",
    },
    "faq_list_lengths": {
        "zh": "{name}的列表“{title}”中文有 {zh} 项，英文有 {en} 项",
        "en": "list {title!r} of {name} has {zh} items in Chinese and {en} in English",
    },
    "faq_list_too_many": {
        "zh": "{what}有 {count} 项；一个列表最多 {limit} 项",
        "en": "{what} has {count} items; a list may have at most {limit}",
    },
    "faq_list_one": {"zh": "{what}只有一项；列表至少要两项", "en": "{what} has one item; a list needs at least two"},
    "faq_item_not_in_answer": {
        "zh": "{what}：“{item}”在回答里找不到；列表要照抄回答里的词",
        "en": "{what}: {item!r} does not stand in the answer; a list repeats the answer's words",
    },
    "faq_terms_not_list": {
        "zh": "{name}的 `unexplained` 必须是列表，每一项以 `- term:` 或 `{{term: ...}}` 开头",
        "en": "unexplained of {name} must be a list, each item starting with '- term:' or '{{term: ...}}'",
    },
    "faq_term_not_in_answer": {
        "zh": "{name}的词“{term}”在它的回答里找不到；只能写回答里出现的词",
        "en": "term {term!r} of {name} does not stand in its answer; name what the answer names",
    },
    "faq_term_not_in_en_answer": {
        "zh": "{name}的英文词“{term}”在它的英文回答里找不到",
        "en": "term {term!r} of {name} does not stand in its en answer",
    },
    "faq_figures_not_list": {"zh": "{name}的 `figures` 必须是列表", "en": "figures of {name} must be a list"},
    "faq_figure_not_in_answer": {
        "zh": "{name}的数据“{figure}”在它的回答里找不到；数据要照抄回答",
        "en": "figure {figure!r} of {name} does not stand in its answer; figures repeat the answer",
    },
    "faq_figure_not_number": {
        "zh": "{name}的数据值“{value}”必须是数字，例如 12 或 3.5",
        "en": "figure value {value!r} of {name} must be a number such as 12 or 3.5",
    },
    "faq_figure_value_not_number": {
        "zh": "{name}的数据值必须是数字，例如 12 或 3.5",
        "en": "figure value of {name} must be a number such as 12 or 3.5",
    },
    # the self-check
    "check_example": {
        "zh": "条目“{id}”的示例问题“{question}”{why}",
        "en": "example {question!r} of entry {id!r} {why}",
    },
    "check_asked": {
        "zh": "条目“{id}”下归档的问题“{question}”{why}",
        "en": "question {question!r} filed under entry {id!r} {why}",
    },
    "why_unsure": {
        "zh": "答得不够有把握；请加关键词或换个说法",
        "en": "is not answered with confidence; add keywords or reword it",
    },
    "why_answered_by": {"zh": "被条目“{other}”回答了", "en": "is answered by entry {other!r}"},
    "why_matches": {"zh": "更像条目“{other}”", "en": "matches entry {other!r} better"},
    "why_declined": {
        "zh": "被当成了文章没有答案的问题（像“{example}”）",
        "en": "is declined as a question the article does not answer (like {example!r})",
    },
    "check_list": {
        "zh": "问“{question}”得不到条目“{id}”的列表“{name}”；请给这个列表加关键词",
        "en": "{question!r} does not give list {name!r} of entry {id!r}; give the list keywords",
    },
    "check_term": {
        "zh": "问“{question}”时没有说明条目“{id}”并没有解释“{term}”",
        "en": "{question!r} is not told that entry {id!r} leaves {term!r} unexplained",
    },
    "check_article_example": {
        "zh": "文章的示例问题“{question}”没有得到回答",
        "en": "the article's example {question!r} is not answered",
    },
    "check_declined": {
        "zh": "标为文章没有的问题“{question}”没有被拒答（{outcome}）",
        "en": "declined example {question!r} is not declined ({outcome})",
    },
    # the curated figures and lists against the facts read from the entry's texts
    "check_figure_not_count": {
        "zh": "条目“{id}”的数据“{figure}”在回答里读不成一个数目；数值和单位请照回答的写法写",
        "en": (
            "figure {figure!r} of entry {id!r} is not read as a count of its answer; "
            "write the value and unit as the answer does"
        ),
    },
    "check_figure_not_en": {
        "zh": "条目“{id}”的数据“{figure}”（{en}）不是它英文回答里的数字",
        "en": "figure {figure!r} of entry {id!r} ({en}) is not a number of its en answer",
    },
    "check_list_item": {
        "zh": "条目“{id}”的列表“{name}”里的“{item}”不在任何一句里",
        "en": "list {name!r} of entry {id!r}: {item!r} is in no sentence",
    },
    # filing a question from /unanswered or `python -m bot teach`
    "teach_empty": {"zh": "问题是空的", "en": "the question is empty"},
    "teach_no_entry": {"zh": "问答库里没有条目“{id}”", "en": "the FAQ has no entry {id!r}"},
    "teach_already_there": {
        "zh": "“{question}”已经是「{title}」的示例问题了",
        "en": "{question!r} is already an example question of “{title}”",
    },
    "teach_already_declined": {
        "zh": "“{question}”已经标为文章没有的问题了",
        "en": "{question!r} is already filed as not in the article",
    },
    "teach_asked_unreadable": {
        "zh": "条目“{id}”的 `asked` 写法特殊，请直接编辑文件",
        "en": "the `asked` of entry {id!r} is written in a way this cannot add to; edit the file itself",
    },
    "teach_declined_unreadable": {
        "zh": "问答库里的 `declined` 写法特殊，请直接编辑文件",
        "en": "the FAQ's `declined` is written in a way this cannot add to; edit the file itself",
    },
    # what a problem is about
    "what_the_file": {"zh": "文件", "en": "the file"},
    "what_key": {"zh": "`{key}`", "en": "{key}"},
    "what_article_part": {"zh": "文章的 `{key}`", "en": "article {key}"},
    "what_article_examples": {"zh": "文章示例问题的 `{lang}`", "en": "article examples {lang}"},
    "what_lang": {"zh": "{what}的 `{lang}`", "en": "{what} {lang}"},
    "what_an_id": {"zh": "一个{kind}编号", "en": "a {kind} id"},
    "what_kind_line": {"zh": "方面", "en": "line"},
    "what_kind_detail": {"zh": "细节类别", "en": "detail"},
    "what_detail": {"zh": "细节类别“{key}”", "en": "detail {key!r}"},
    "what_part_of_detail": {"zh": "细节类别“{key}”的 `{part}`", "en": "{part} of detail {key!r}"},
    "what_name_of_detail": {"zh": "细节类别“{key}”的 `{lang}` 名称", "en": "the {lang} name of detail {key!r}"},
    "what_words_of_detail": {"zh": "细节类别“{key}”的 `{part}.{lang}`", "en": "{part}.{lang} of detail {key!r}"},
    "what_word_of": {"zh": "{what}里的一个词", "en": "a word of {what}"},
    "what_variants": {"zh": "{what}里“{word}”的同义词", "en": "the variants of {word!r} in {what}"},
    "what_line": {"zh": "方面“{key}”", "en": "line {key!r}"},
    "what_an_entry": {"zh": "一个条目", "en": "an entry"},
    "what_entry": {"zh": "条目“{id}”", "en": "entry {id!r}"},
    "what_field_of": {"zh": "{name}的 `{key}`", "en": "{key} of {name}"},
    "what_en_field_of": {"zh": "{name}的英文 `{key}`", "en": "en {key} of {name}"},
    "what_a_list_of": {"zh": "{name}的一个列表", "en": "a list of {name}"},
    "what_list_name_of": {"zh": "{name}的一个列表的名称", "en": "the name of a list of {name}"},
    "what_list_items": {"zh": "{name}的列表“{title}”的各项", "en": "the items of list {title!r} of {name}"},
    "what_list_keywords": {"zh": "列表“{title}”的关键词", "en": "the keywords of list {title!r}"},
    "what_list_partial": {"zh": "列表“{title}”的 `partial`", "en": "partial of list {title!r}"},
    "what_list_en": {"zh": "列表“{title}”的 `en`", "en": "en of list {title!r}"},
    "what_list_en_name": {"zh": "列表“{title}”的英文名称", "en": "the en name of list {title!r}"},
    "what_list_en_items": {
        "zh": "{name}的列表“{title}”的英文各项",
        "en": "the en items of list {title!r} of {name}",
    },
    "what_list_en_keywords": {"zh": "列表“{title}”的英文关键词", "en": "the en keywords of list {title!r}"},
    "what_a_term_of": {"zh": "{name}的一个未解释的词", "en": "an unexplained term of {name}"},
    "what_term_en": {"zh": "词“{term}”的 `en`", "en": "the en of term {term!r}"},
    "what_term_keywords": {"zh": "词“{term}”的关键词", "en": "the keywords of term {term!r}"},
    "what_a_figure_of": {"zh": "{name}的一项数据", "en": "a figure of {name}"},
    "what_figure_field": {"zh": "{name}的数据 `{key}`", "en": "figure {key} of {name}"},
    "what_item_of": {"zh": "{what}中的一项", "en": "an item of {what}"},
}


def say(key: str, lang: Lang, /, **fields: Any) -> str:
    """A text in one language with its placeholders filled (a field that is a `Phrase` is said in it too)."""
    template = TEXTS[key] if key in TEXTS else FAQ_TEXTS[key]
    return template[lang].format(**{name: _said(value, lang) for name, value in fields.items()})


def _said(value: Any, lang: Lang) -> Any:
    return value(lang) if isinstance(value, Phrase) else value


@dataclass(frozen=True)
class Phrase:
    """A text to be said later, in whichever language its reader needs: a key of the texts with its
    fields, which may be phrases themselves ("an item of the keywords of entry 'learn'"). The FAQ's
    problems are made of these, so that the log reads them in English and each admin in theirs."""

    key: str
    fields: tuple[tuple[str, Any], ...] = ()

    def __call__(self, lang: Lang) -> str:
        return say(self.key, lang, **dict(self.fields))


def phrase(key: str, /, **fields: Any) -> Phrase:
    """A phrase of the texts with its fields, said later."""
    if key not in TEXTS and key not in FAQ_TEXTS:
        raise KeyError(f"no text {key!r}")
    return Phrase(key, tuple(fields.items()))


def day(published: date, lang: Lang) -> str:
    """A date as a reader of that language writes it: 2022年11月16日, 16 November 2022."""
    if lang == "zh":
        return f"{published.year}年{published.month}月{published.day}日"
    return f"{published.day} {published:%B} {published.year}"
