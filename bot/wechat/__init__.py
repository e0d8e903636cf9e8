"""The WeChat Official Account front end: `/wechat` on the program's web server when WECHAT_TOKEN is set.

`endpoint` is the way in (`WeChat(...).routes`, Starlette routes: the server check, messages,
resends answered once, slow answers sent later); `protocol` is WeChat's wire (signatures, safe
mode, the XML, through wechatpy and defusedxml); `messages` what each message gets, through the
conversation layer; `fitting` keeps replies within WeChat's 2,048 bytes; `customer_service` sends
what cannot be the reply. Imports no other front end.
"""
