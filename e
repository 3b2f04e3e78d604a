Error parsing -nextprotoneg argument
