"""The default licence text (``SPOTCHECK_OPEN_DATA_LICENCE``), marked here so that the message
catalogue carries its English; settings.py cannot mark it itself."""

from django.utils.translation import gettext_noop

DEFAULT_LICENCE = gettext_noop(
    "本数据按知识共享署名 4.0 国际许可协议（CC BY 4.0）开放：可以自由复制、分发、改编和用于商业目的，须注明来源。"
)
